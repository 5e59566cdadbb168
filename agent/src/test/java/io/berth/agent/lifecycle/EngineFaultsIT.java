package io.berth.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import io.berth.agent.swarm.DockerConnection;
import io.berth.lab.IntegrationTest;
import io.berth.lab.Lab;
import io.berth.lab.LabEnv;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local engine that accepts and never answers — a systemd docker.socket before dockerd is up (a socket that only
 * accepts), or a stuck dockerd (the lab freezes w1's engine) — meets boot, shutdown and run. Each call is bounded:
 * nothing hangs, and what can still be done through the managers and PowerDNS is done.
 */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EngineFaultsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Lab(workers = 1)
    static LabEnv lab;

    @TempDir
    static Path dir;

    @AutoClose
    static DockerConnection managerConnection;
    static DockerClient manager;

    @BeforeAll
    static void connect() {
        managerConnection = Swarms.connect(lab.managerApi());
        manager = managerConnection.client();
    }

    @Test
    @Order(1)
    void bootWithAnEngineSocketThatNeverAnswersGivesUpWithinItsBoundInOneLine() throws Exception {
        try (StallingSocket engine = new StallingSocket(dir.resolve("docker.sock"))) {
            AgentOnHost w1 = new AgentOnHost(lab, "w1", engine.uri(), Files.createDirectories(dir.resolve("boot")));
            long start = System.nanoTime();
            AgentOnHost.Result boot = w1.run(120, "boot");
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertEquals(1, boot.exit(), boot.output());
            // The engine wait is 60 s; one more bounded ping at most, and the JVM's start.
            assertTrue(seconds < 75, "took " + seconds + " s");
            assertTrue(boot.says("did not answer"), boot.output());
            assertFalse(boot.output().contains("\tat "), "no stack trace:\n" + boot.output());
            assertTrue(engine.accepted() > 1, "it kept trying: " + engine.accepted());
        }
    }

    @Test
    @Order(2)
    void shutdownWithAFrozenEngineStillDrainsRemovesAndDeregistersWithinItsDeadline() throws Exception {
        AgentOnHost w1 = new AgentOnHost(lab, "w1", dir);
        assertEquals(0, w1.run("boot").exit());
        String nodeId = Swarms.nodeIdOf(lab, "w1");
        lab.stall("w1");
        try {
            long start = System.nanoTime();
            AgentOnHost.Result shutdown = w1.run(60, "shutdown", "--deadline", "10s");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println("shutdown with a frozen engine and --deadline 10s took " + millis + " ms");
            assertEquals(1, shutdown.exit(), shutdown.output());
            // 10 s budget, the JVM's start and the backstop's 2 s grace: never more.
            assertTrue(millis < 14_000, "took " + millis + " ms");
            assertTrue(shutdown.says("drain: changed: drained node " + nodeId), shutdown.output());
            assertTrue(shutdown.says("remove: changed"), shutdown.output());
            String last = shutdown.output().lines().filter(l -> l.contains("shutdown incomplete")).findFirst()
                    .orElseThrow(() -> new AssertionError(shutdown.output()));
            assertTrue(last.contains("leave") && last.contains("did not answer"), last);
            assertTrue(Swarms.node(manager, nodeId).isEmpty(), "the node is removed through a manager");
            assertEquals(List.of(), lab.resolve(w1.fqdn(), "A"), "the record is deregistered");
        } finally {
            lab.unstall("w1");
        }
    }

    @Test
    @Order(3)
    void runWithAnEngineSocketThatNeverAnswersServesItsApiNotReadyAndStopsOnTime() throws Exception {
        try (StallingSocket engine = new StallingSocket(dir.resolve("run-docker.sock"))) {
            AgentOnHost w1 = new AgentOnHost(lab, "w1", engine.uri(), Files.createDirectories(dir.resolve("run")));
            w1.withExtra("api: {listen: \"0.0.0.0:9813\"}\n");
            AgentOnHost.Daemon daemon = w1.startDaemon();
            String api = "http://" + lab.host("w1").addr() + ":9813";
            try {
                Swarms.await("run answers /health/live", Duration.ofSeconds(60), () -> get(api + "/health/live") == 200);
                Swarms.await("status names the engine", Duration.ofSeconds(60),
                        () -> status(api).path("notReadyReason").asText().contains("did not answer"));
                JsonNode status = status(api);
                assertFalse(status.path("ready").asBoolean(), status.toString());
                assertEquals(503, get(api + "/health/ready"));
            } finally {
                long start = System.nanoTime();
                assertEquals(0, daemon.terminate(10), daemon.log());
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis < 5000, "SIGTERM to exit took " + millis + " ms:\n" + daemon.log());
            }
            assertFalse(daemon.log().contains("\tat "), "no stack trace:\n" + daemon.log());
        }
    }

    static int get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    static JsonNode status(String api) {
        try {
            return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(api + "/v1/status"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }
}
