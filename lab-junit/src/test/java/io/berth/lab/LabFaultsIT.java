package io.berth.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The faults the lab stages for a Swarm of three managers: a stalled engine, a demoted manager, a new kernel boot. */
@IntegrationTest
class LabFaultsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Lab(managers = 3, workers = 1)
    static LabEnv lab;

    /** Every test starts from a whole cluster: the one before may have moved the leadership or a role. */
    @BeforeEach
    void everyManagerReachableWithOneLeader() throws Exception {
        List<String> last = List.of();
        for (Instant end = Instant.now().plusSeconds(90); Instant.now().isBefore(end); Thread.sleep(300)) {
            for (String api : lab.managersApi()) {
                Optional<JsonNode> nodes = nodes(api);
                if (nodes.isPresent()) {
                    last = managerStates(nodes.get());
                    if (reachable(nodes.get()).equals(lab.managers()) && leaders(nodes.get()).size() == 1) {
                        return;
                    }
                }
            }
        }
        throw new AssertionError("the managers did not all become Reachable with one leader: " + last);
    }

    @Test
    void threeManagersAreReachableWithOneLeaderOnEveryManagersApi() throws Exception {
        assertEquals(List.of("manager", "manager2", "manager3"), lab.managers());
        assertEquals(3, lab.managersApi().size());
        assertEquals(lab.managerApi(), lab.managersApi().get(0));
        for (int i = 0; i < 3; i++) {
            LabEnv.Host host = lab.host(lab.managers().get(i));
            assertEquals("tcp://" + host.addr() + ":2375", lab.managersApi().get(i));
            assertEquals(host.addr() + ":2377", lab.joinAddrs().get(i));
            JsonNode nodes = nodesEventually(lab.managersApi().get(i));
            assertEquals(lab.managers(), reachable(nodes), "Reachable managers as " + host.name() + " sees them");
            assertEquals(1, leaders(nodes).size(), managerStates(nodes).toString());
        }
        assertEquals(List.of("w1"), lab.workers(), "LAB_HOSTS names the workers only");
    }

    @Test
    void stalledManagerAcceptsConnectionsAndNeverAnswersUntilUnstalled() throws Exception {
        JsonNode before = nodesEventually(lab.managerApi());
        String leader = leaders(before).get(0);
        LabEnv.Host host = lab.host(leader);
        lab.stall(leader);
        Instant stalled = Instant.now();
        boolean thawed = false;
        try (Socket socket = new Socket()) {
            assertTrue(lab.status().lines().anyMatch(l -> l.startsWith(leader + " ") && l.contains("stalled")),
                    lab.status());
            socket.connect(new InetSocketAddress(host.addr(), 2375), 2000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write("GET /_ping HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThrows(SocketTimeoutException.class, in::read, "a stalled engine answers nothing within 2 s");

            // The two others elect a new leader among themselves.
            String newLeader = null;
            for (Instant end = Instant.now().plusSeconds(60); newLeader == null; Thread.sleep(250)) {
                assertTrue(Instant.now().isBefore(end), "no new leader within 60 s of the leader's stall");
                for (String api : lab.managersApi()) {
                    if (!api.contains("//" + host.addr() + ":")) {
                        newLeader = nodes(api).map(LabFaultsIT::leaders).filter(l -> l.size() == 1)
                                .map(l -> l.get(0)).filter(l -> !l.equals(leader)).orElse(null);
                        if (newLeader != null) {
                            break;
                        }
                    }
                }
            }
            System.out.printf("leader %s stalled: %s leads after %d ms%n", leader, newLeader,
                    Duration.between(stalled, Instant.now()).toMillis());

            lab.unstall(leader);
            thawed = true;
            // The request that waited in the backlog is answered once the engine runs again.
            socket.setSoTimeout(10_000);
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.0 200") || answer.startsWith("HTTP/1.1 200"), answer);
        } finally {
            if (!thawed) {
                lab.unstall(leader);
            }
        }
        HttpResponse<String> ping = get(lab.managersApi().get(lab.managers().indexOf(leader)), "/_ping");
        assertEquals(200, ping.statusCode());
        assertEquals("OK", ping.body());
    }

    @Test
    void demotedManagerAnswers503NotASwarmManagerUntilPromoted() throws Exception {
        lab.demote("manager");
        HttpResponse<String> demoted = get(lab.managerApi(), "/v1.41/nodes");
        assertEquals(503, demoted.statusCode(), demoted.body());
        assertTrue(demoted.body().contains("not a swarm manager"), demoted.body());
        JsonNode seen = nodesEventually(lab.managersApi().get(1));
        assertEquals(List.of("manager2", "manager3"), reachable(seen), "the others lost a manager");

        lab.promote("manager");
        HttpResponse<String> promoted = get(lab.managerApi(), "/v1.41/nodes");
        assertEquals(200, promoted.statusCode(), promoted.body());
        assertEquals(lab.managers(), reachable(JSON.readTree(promoted.body())));
    }

    @Test
    void newBootGivesTheHostANewBootIdThatPlainRestartsKeep() throws Exception {
        String machine = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        assertEquals(machine, lab.bootId("w1"), "no boot of its own yet");
        assertEquals(machine, bootIdIn("w1"));

        lab.restart("w1", true);
        String first = bootIdIn("w1");
        assertNotEquals(machine, first);
        assertEquals(first, bootIdIn("w1"), "one boot id per boot");
        assertEquals(first, lab.bootId("w1"));
        assertEquals("w1", lab.exec("w1", "docker", "info", "--format", "{{.Name}}").strip(),
                "the engine runs and the command reaches it");

        lab.restart("w1", true);
        String second = bootIdIn("w1");
        assertNotEquals(machine, second);
        assertNotEquals(first, second);

        lab.restart("w1");
        assertEquals(second, bootIdIn("w1"), "a plain restart is no new boot");
        lab.stop("w1");
        assertEquals(second, bootIdIn("w1"), "a stopped host keeps its boot id");
        lab.start("w1");
        assertEquals(second, bootIdIn("w1"));

        // A private copy of the mount table: files under /tmp and /var/lib are shared with the machine.
        Path tmp = Path.of("/tmp/berth-lab-" + lab.name() + "-" + UUID.randomUUID());
        Path varLib = Path.of(lab.get("LAB_DIR"), "w1", "exec-probe");
        try {
            Files.writeString(tmp, "from outside\n");
            assertEquals("from outside\n", lab.exec("w1", "sh", "-c",
                    "cat " + tmp + " && echo from w1 >" + tmp + " && echo from w1 >" + varLib));
            assertEquals("from w1\n", Files.readString(tmp));
            assertEquals("from w1\n", Files.readString(varLib));
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(varLib);
        }
        assertEquals(machine, Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip());
        assertTrue(Files.readString(Path.of("/proc/mounts")).lines()
                        .noneMatch(l -> l.contains("/proc/sys/kernel/random/boot_id")),
                "nothing is mounted over the boot id outside the host");
    }

    private static String bootIdIn(String host) {
        return lab.exec(host, "cat", "/proc/sys/kernel/random/boot_id").strip();
    }

    /** {@code GET /v1.41/nodes} of one manager, retried for 10 s (a leader change answers 503 for a moment). */
    private static JsonNode nodesEventually(String api) throws Exception {
        for (Instant end = Instant.now().plusSeconds(10); ; Thread.sleep(200)) {
            Optional<JsonNode> nodes = nodes(api);
            if (nodes.isPresent() || Instant.now().isAfter(end)) {
                return nodes.orElseThrow(() -> new AssertionError(api + " lists no nodes"));
            }
        }
    }

    /** {@code GET /v1.41/nodes} of one manager, empty if it does not answer 200 within 3 s. */
    private static Optional<JsonNode> nodes(String api) throws Exception {
        try {
            HttpResponse<String> response = get(api, "/v1.41/nodes");
            return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static HttpResponse<String> get(String api, String path) throws Exception {
        URI uri = URI.create(api.replaceFirst("^tcp://", "http://") + path);
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Hostnames of the Reachable managers, sorted. */
    private static List<String> reachable(JsonNode nodes) {
        List<String> names = new ArrayList<>();
        for (JsonNode node : nodes) {
            if ("reachable".equals(node.path("ManagerStatus").path("Reachability").asText())) {
                names.add(node.path("Description").path("Hostname").asText());
            }
        }
        return names.stream().sorted().toList();
    }

    private static List<String> leaders(JsonNode nodes) {
        List<String> names = new ArrayList<>();
        for (JsonNode node : nodes) {
            if (node.path("ManagerStatus").path("Leader").asBoolean(false)) {
                names.add(node.path("Description").path("Hostname").asText());
            }
        }
        return names;
    }

    private static List<String> managerStates(JsonNode nodes) {
        List<String> states = new ArrayList<>();
        for (JsonNode node : nodes) {
            states.add(node.path("Description").path("Hostname").asText()
                    + "=" + node.path("Spec").path("Role").asText()
                    + "/" + node.path("ManagerStatus").path("Reachability").asText("-")
                    + (node.path("ManagerStatus").path("Leader").asBoolean(false) ? "/leader" : ""));
        }
        return states;
    }
}
