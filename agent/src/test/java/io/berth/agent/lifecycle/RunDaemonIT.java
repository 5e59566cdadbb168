package io.berth.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import io.berth.agent.swarm.DockerConnection;
import io.berth.lab.IntegrationTest;
import io.berth.lab.Lab;
import io.berth.lab.LabEnv;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** berth-agent run on the real lab: it heals every kind of drift, serves its API, and yields to a shutdown. */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunDaemonIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Rejoined, Ready and labelled again within this, far below the reconcile interval (60 s here): the agent
     * acts on the event at once, and Docker's own leave of the removed node takes 1.4–5.2 s of it (measured here,
     * 5.2 s on a loaded CI run).
     */
    private static final Duration REJOIN = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Lab(workers = 1)
    static LabEnv lab;

    @TempDir
    static Path dir;

    static AgentOnHost w1;
    static AgentOnHost.Daemon daemon;
    static String api;
    static Path tokenFile;
    @AutoClose
    static DockerConnection managerConnection;
    static DockerClient manager;
    static StringBuilder logs = new StringBuilder();

    @BeforeAll
    static void startRun() throws Exception {
        tokenFile = Files.writeString(dir.resolve("api.token"), "api-token-" + System.nanoTime());
        w1 = new AgentOnHost(lab, "w1", dir);
        api = "http://" + lab.host("w1").addr() + ":9813";
        managerConnection = Swarms.connect(lab.managerApi());
        manager = managerConnection.client();
        daemon = start("60s");
        Swarms.await("run is ready", Duration.ofSeconds(60), () -> get("/health/ready") == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null && daemon.process.isAlive()) {
            daemon.terminate(10);
        }
        System.out.println("---- berth-agent run's log ----\n" + logs + (daemon == null ? "" : daemon.log()));
    }

    /** (Re)starts run with this reconcile interval; the API listens on w1's lab address so the test reaches it. */
    static AgentOnHost.Daemon start(String interval) throws Exception {
        // Every address: the test reaches it on w1's lab address, which one test moves.
        w1.withExtra("reconcile: {interval: %s}\napi: {listen: \"0.0.0.0:9813\", tokenFile: %s}\n"
                .formatted(interval, tokenFile));
        AgentOnHost.Daemon started = w1.startDaemon();
        Swarms.await("run answers /health/live", Duration.ofSeconds(60), () -> get("/health/live") == 200);
        return started;
    }

    @Test
    @Order(1)
    void runBootsAndSaysSoInItsStatusWithoutASecret() throws Exception {
        JsonNode status = json("/v1/status");
        assertEquals("ready", status.path("phase").asText(), status.toString());
        assertEquals(lab.host("w1").addr(), status.path("address").asText());
        assertEquals(Swarms.nodeIdOf(lab, "w1"), status.path("node").path("id").asText());
        assertEquals("blue", status.path("node").path("labels").path("berth.pool").asText());
        assertEquals(List.of(lab.host("w1").addr()), lab.resolve(w1.fqdn(), "A"));
        assertNoSecretIn(status.toString());
        assertEquals(200, get("/health/live"));
        JsonNode facts = json("/v1/facts");
        assertEquals("w1", facts.path("ansible_hostname").asText());
        assertEquals(lab.host("w1").addr(), facts.path("ansible_default_ipv4").path("address").asText());
    }

    @Test
    @Order(2)
    void anEngineThatLeftTheSwarmIsRejoinedWithinSecondsWithItsLabels() throws Exception {
        String before = Swarms.nodeIdOf(lab, "w1");
        try (DockerConnection engine = Swarms.connect(lab.host("w1").sock())) {
            engine.client().leaveSwarmCmd().exec();
        }
        awaitRejoinedSince(before, "leave");
    }

    @Test
    @Order(3)
    void aNodeRemovedByAManagerIsRejoinedWithinSecondsWithItsLabels() throws Exception {
        // A node that joined a moment ago (the test before) is not what an operator removes: Docker's forced
        // leave of a node less than a second old takes 5-7 s here, of a settled one ~1.4 s (see the issue note).
        Thread.sleep(3000);
        String before = Swarms.nodeIdOf(lab, "w1");
        manager.removeSwarmNodeCmd(before).withForce(true).exec();
        awaitRejoinedSince(before, "node rm");
    }

    /**
     * Rejoined means a new node the manager lists Ready with our labels. The agent notices within a second
     * (a poll of the local engine, a manager's node event); most of the rest is Docker's own leave and join.
     */
    private static void awaitRejoinedSince(String before, String what) throws Exception {
        long start = System.nanoTime();
        Swarms.await("w1 back in the Swarm with its labels after " + what, REJOIN, () -> {
            String now = Swarms.nodeIdOf(lab, "w1");
            return now != null && !now.isEmpty() && !now.equals(before) && Swarms.node(manager, now)
                    .filter(n -> n.getStatus().getState() == com.github.dockerjava.api.model.SwarmNodeState.READY)
                    .filter(n -> "blue".equals(n.getSpec().getLabels().get("berth.pool")))
                    .isPresent();
        });
        System.out.printf("rejoined after %s in %d ms%n", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    @Test
    @Order(4)
    void theDrainEndpointNeedsTheTokenAndAnOperatorsDrainSurvivesReconcilesAndARestart() throws Exception {
        assertEquals(401, post("/v1/drain", null));
        assertEquals(403, post("/v1/drain", "wrong-token"));
        assertEquals(200, post("/v1/drain", Files.readString(tokenFile)));
        String nodeId = Swarms.nodeIdOf(lab, "w1");
        assertEquals(SwarmNodeAvailability.DRAIN, Swarms.node(manager, nodeId).orElseThrow().getSpec().getAvailability());

        // A restart (SIGTERM: exit 0 within LinuxKit's 5 s), then several passes at a short interval.
        long start = System.nanoTime();
        int exit = daemon.terminate(5);
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        logs.append(daemon.log());
        assertEquals(0, exit, "run exits 0 on SIGTERM");
        System.out.printf("run stopped %d ms after SIGTERM%n", stopMillis);
        assertTrue(stopMillis < 5000, stopMillis + " ms");
        daemon = start("1s");
        Thread.sleep(3500);
        assertEquals(SwarmNodeAvailability.DRAIN, Swarms.node(manager, nodeId).orElseThrow().getSpec().getAvailability(),
                "the operator's drain is left in place");
        assertEquals(503, get("/health/ready"));
        JsonNode status = json("/v1/status");
        assertEquals("operator", status.path("drainedBy").asText(), status.toString());

        assertEquals(200, post("/v1/activate", Files.readString(tokenFile)));
        Swarms.await("ready again", Duration.ofSeconds(10), () -> get("/health/ready") == 200);
    }

    @Test
    @Order(5)
    void aDeletedOrChangedRecordIsRestored() throws Exception {
        String address = lab.host("w1").addr();
        lab.pdnsPatch(lab.zone(), """
                {"rrsets": [{"name": "%s", "type": "A", "changetype": "DELETE"}]}""".formatted(w1.fqdn()));
        Swarms.await("the deleted record is back", Duration.ofSeconds(10),
                () -> lab.resolve(w1.fqdn(), "A").equals(List.of(address)));

        // Changed behind its back, its mark kept (the comment is not sent, so PowerDNS keeps it).
        lab.pdnsPatch(lab.zone(), """
                {"rrsets": [{"name": "%s", "type": "A", "ttl": 60, "changetype": "REPLACE",
                  "records": [{"content": "192.0.2.99", "disabled": false}]}]}""".formatted(w1.fqdn()));
        assertEquals(List.of("192.0.2.99"), lab.resolve(w1.fqdn(), "A"));
        Swarms.await("the changed record is put right", Duration.ofSeconds(10),
                () -> lab.resolve(w1.fqdn(), "A").equals(List.of(address)));
    }

    @Test
    @Order(6)
    void powerDnsStoppedThenStartedTheAgentStaysUpNotReadyWithTheReasonThenRecovers() throws Exception {
        lab.stop("dns");
        try {
            Swarms.await("not ready while PowerDNS is down", Duration.ofSeconds(30), () -> get("/health/ready") == 503);
            JsonNode status = json("/v1/status");
            assertFalse(status.path("ready").asBoolean());
            // The failed step is the reason: its record could not be checked.
            assertTrue(status.path("notReadyReason").asText().contains("record: cannot reach PowerDNS"),
                    status.toString());
            assertTrue(daemon.process.isAlive());
        } finally {
            lab.start("dns");
        }
        Swarms.await("ready again after PowerDNS is back", Duration.ofSeconds(30), () -> get("/health/ready") == 200);
        assertEquals(List.of(lab.host("w1").addr()), lab.resolve(w1.fqdn(), "A"));
    }

    @Test
    @Order(7)
    void managersStoppedThenStartedTheAgentStaysUpNotReadyThenRecovers() throws Exception {
        lab.stop("manager");
        try {
            Swarms.await("not ready while the manager is down", Duration.ofSeconds(30), () -> get("/health/ready") == 503);
            assertTrue(json("/v1/status").path("notReadyReason").asText().contains("did not answer"),
                    json("/v1/status").toString());
            assertTrue(daemon.process.isAlive());
        } finally {
            lab.start("manager");
        }
        Swarms.await("ready again after the manager is back", Duration.ofSeconds(60), () -> get("/health/ready") == 200);
    }

    @Test
    @Order(8)
    void anAddressChangeIsFollowedByTheRecords() throws Exception {
        String old = lab.host("w1").addr();
        String moved = old.substring(0, old.lastIndexOf('.') + 1) + "77";
        lab.setAddress("w1", moved);
        Swarms.await("A follows the new address", Duration.ofSeconds(15),
                () -> lab.resolve(w1.fqdn(), "A").equals(List.of(moved)));
        Swarms.await("the PTR moved too", Duration.ofSeconds(15),
                () -> lab.resolve(BootShutdownIT.reverseName(moved), "PTR").equals(List.of(w1.fqdn()))
                        && lab.resolve(BootShutdownIT.reverseName(old), "PTR").isEmpty());
        api = "http://" + moved + ":9813";
    }

    @Test
    @Order(9)
    void aShutdownWhileRunIsAliveLeavesNothingAndRunNeverHealsIt() throws Exception {
        AgentOnHost.Result shutdown = w1.run("shutdown");
        assertEquals(0, shutdown.exit(), shutdown.output());
        String address = lab.host("w1").addr();
        Thread.sleep(3500); // three intervals of 1 s
        assertEquals(List.of(), lab.resolve(w1.fqdn(), "A"));
        assertEquals(List.of(), lab.resolve(BootShutdownIT.reverseName(address), "PTR"));
        try (DockerConnection engine = Swarms.connect(lab.host("w1").sock())) {
            assertEquals("inactive", engine.client().infoCmd().exec().getSwarm().getLocalNodeState().name()
                    .toLowerCase(java.util.Locale.ROOT));
        }
        assertTrue(daemon.process.isAlive(), "run stays up, healing nothing");
        assertEquals("shutting-down", json("/v1/status").path("phase").asText());
        assertEquals(409, post("/v1/activate", Files.readString(tokenFile)));
    }

    @Test
    @Order(10)
    void noSecretEverReachedTheLogAndMetricsParse() throws Exception {
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        // A real Prometheus parser (Debian's python3-prometheus-client) reads the families and their samples.
        Process python = new ProcessBuilder("/usr/bin/python3", "-c", """
                import sys
                from prometheus_client.parser import text_string_to_metric_families
                for family in text_string_to_metric_families(sys.stdin.read()):
                    for sample in family.samples:
                        print(family.name, sample.name, sample.labels.get("kind", ""), sample.value)
                """).redirectErrorStream(true).start();
        python.getOutputStream().write(metrics.body().getBytes(StandardCharsets.UTF_8));
        python.getOutputStream().close();
        String parsed = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, python.waitFor(), parsed);
        assertTrue(parsed.lines().anyMatch(l -> l.startsWith("berth_reconciles berth_reconciles_total")), parsed);
        // This process (restarted in test 4) repaired the record and followed the address.
        assertTrue(parsed.lines().anyMatch(l -> l.matches("berth_repairs berth_repairs_total record [1-9].*")), parsed);
        assertTrue(parsed.lines().anyMatch(l -> l.matches("berth_repairs berth_repairs_total address [1-9].*")), parsed);
        assertTrue(parsed.lines().anyMatch(l -> l.startsWith("berth_failures berth_failures_total")), parsed);
        assertTrue(parsed.lines().anyMatch(l -> l.startsWith("berth_reconcile_seconds")), parsed);
        assertTrue(parsed.lines().anyMatch(l -> l.startsWith("jvm_memory_used_bytes")), parsed);

        assertEquals(0, daemon.terminate(5));
        logs.append(daemon.log());
        assertNoSecretIn(logs.toString());
        assertTrue(logs.toString().contains("plain HTTP"), "warned that the token travels in plain HTTP");
    }

    private static void assertNoSecretIn(String text) throws Exception {
        for (Path secret : List.of(lab.joinTokenFile(), lab.pdnsKeyFile(), tokenFile)) {
            assertFalse(text.contains(Files.readString(secret).strip()), "a secret from " + secret + " leaked");
        }
    }

    static int get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception notUp) {
            return -1;
        }
    }

    static JsonNode json(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(api + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    static int post(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token.strip());
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (token != null) {
            assertFalse(response.body().contains(token.strip()), "the token is never echoed");
        }
        return response.statusCode();
    }
}
