package io.berth.controller.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.controller.BerthCli;
import io.berth.lab.Await;
import io.berth.lab.IntegrationTest;
import io.berth.lab.Lab;
import io.berth.lab.LabEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VM removed behind berth's back (its lab host removed: no shutdown, no deregistration) on a real lab with two
 * pools: pool show and status report it, gc removes exactly its node and its records, a second gc finds nothing,
 * and the real ansible-inventory reads the pools through berth inventory.
 */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GcIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Lab(workers = 0)
    static LabEnv lab;

    @TempDir
    static Path dir;

    static BerthCli berth;

    @BeforeAll
    static void twoPools() throws Exception {
        berth = new BerthCli(dir);
        ok(berth.run(60, "init", "--lab", lab.name()));
        ok(berth.run(300, "pool", "create", "blue", "--size", "2"));
        ok(berth.run(300, "pool", "create", "green", "--size", "1"));
        // Records Berth did not make: gc must never look at them twice.
        lab.pdnsPatch(lab.zone(), """
                {"rrsets": [
                  {"name": "www.%1$s", "type": "A", "ttl": 60, "changetype": "REPLACE",
                   "records": [{"content": "10.99.0.80", "disabled": false}], "comments": []},
                  {"name": "old.%1$s", "type": "A", "ttl": 60, "changetype": "REPLACE",
                   "records": [{"content": "10.99.0.81", "disabled": false}],
                   "comments": [{"content": "made by hand", "account": "ops"}]}]}
                """.formatted(lab.zone()));
    }

    @AfterAll
    static void destroyThePools() {
        berth.run(300, "pool", "destroy", "blue", "--yes", "--force");
        berth.run(300, "pool", "destroy", "green", "--yes", "--force");
    }

    static BerthCli.Result ok(BerthCli.Result result) {
        assertEquals(0, result.exit(), result.toString());
        return result;
    }

    static JsonNode json(BerthCli.Result result) throws Exception {
        return JSON.readTree(result.out());
    }

    static JsonNode member(String pool, String name) throws Exception {
        for (JsonNode m : json(ok(berth.run(60, "pool", "show", pool, "-o", "json"))).get("members")) {
            if (m.get("name").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no member " + name + " in pool " + pool);
    }

    /** Every RRset of both zones, as {@code name type contents [comment]}. */
    static TreeSet<String> rrsets() throws Exception {
        TreeSet<String> all = new TreeSet<>();
        for (String zone : List.of(lab.zone(), lab.reverseZone())) {
            for (JsonNode r : JSON.readTree(lab.pdnsZone(zone)).get("rrsets")) {
                List<String> contents = new ArrayList<>();
                r.get("records").forEach(c -> contents.add(c.get("content").asText()));
                all.add(r.get("name").asText() + " " + r.get("type").asText() + " " + contents + " "
                        + r.get("comments").findValuesAsText("content"));
            }
        }
        return all;
    }

    /** Every node as {@code id hostname state}. */
    static TreeSet<String> nodes() {
        return new TreeSet<>(lab.exec("manager", "docker", "node", "ls", "--format",
                "{{.ID}} {{.Hostname}} {{.Status}}").lines().toList());
    }

    static String goneNode;
    static String goneAddress;
    static TreeSet<String> rrsetsBefore;
    static TreeSet<String> nodesBefore;

    @Test
    @Order(1)
    void aVmRemovedBehindBerthsBackIsReportedByPoolShowAndStatus() throws Exception {
        JsonNode blue2 = member("blue", "blue2");
        goneNode = blue2.get("nodeId").asText();
        goneAddress = blue2.get("address").asText();
        rrsetsBefore = rrsets();
        assertTrue(rrsetsBefore.stream().anyMatch(r -> r.startsWith("blue2." + lab.zone() + " A [" + goneAddress)),
                rrsetsBefore.toString());
        ok(berth.run(60, "status"));

        lab.removeHost("blue2");

        JsonNode orphan = member("blue", "blue2");
        assertTrue(orphan.get("vm").isNull(), orphan.toString());
        assertTrue(orphan.get("problems").toString().contains("a node without a VM"), orphan.toString());
        BerthCli.Result status = berth.run(60, "status");
        assertEquals(1, status.exit(), status.toString());
        assertTrue(status.lastLine().contains("blue2: a node without a VM"), status.lastLine());

        // Swarm marks the node Down once its heartbeat times out; until then gc leaves it (and its records) be.
        Await.until("blue2's node to be Down", Duration.ofSeconds(60), Duration.ofSeconds(1),
                () -> nodes().contains(goneNode + " blue2 Down"));
        nodesBefore = nodes();
    }

    @Test
    @Order(2)
    void aDryRunListsExactlyTheNodeAndTheRecordsAndChangesNothing() throws Exception {
        JsonNode found = json(ok(berth.run(60, "gc", "--dry-run", "-o", "json"))).get("found");
        assertEquals(1, found.get("nodes").size(), found.toString());
        assertEquals(goneNode, found.get("nodes").get(0).get("id").asText());
        List<String> records = new ArrayList<>();
        found.get("records").forEach(r -> records.add(r.get("type").asText() + " " + r.get("name").asText() + " "
                + r.get("contents").asText()));
        String[] octets = goneAddress.split("\\.");
        assertEquals(List.of("A blue2." + lab.zone() + " " + goneAddress, "PTR " + octets[3] + "." + octets[2] + "."
                + octets[1] + "." + octets[0] + ".in-addr.arpa. blue2." + lab.zone()), records);

        BerthCli.Result noTerminal = berth.run(60, "gc");
        assertEquals(2, noTerminal.exit(), noTerminal.toString());
        assertTrue(noTerminal.lastLine().contains("add --yes"), noTerminal.lastLine());
        assertEquals(rrsetsBefore, rrsets());
        assertEquals(nodesBefore, nodes());
    }

    @Test
    @Order(3)
    void gcRemovesExactlyThatNodeAndThoseRecordsAndASecondGcChangesNothing() throws Exception {
        JsonNode report = json(ok(berth.run(60, "gc", "--yes", "-o", "json")));
        assertEquals(3, report.get("removed").size(), report.toString());
        assertEquals(0, report.get("left").size(), report.toString());

        TreeSet<String> expectedRrsets = new TreeSet<>(rrsetsBefore);
        assertTrue(expectedRrsets.removeIf(r -> r.startsWith("blue2." + lab.zone() + " A ")));
        assertTrue(expectedRrsets.removeIf(r -> r.contains(" PTR [blue2." + lab.zone() + "]")));
        assertEquals(expectedRrsets, rrsets(), "only blue2's A and PTR are gone");
        TreeSet<String> expectedNodes = new TreeSet<>(nodesBefore);
        assertTrue(expectedNodes.remove(goneNode + " blue2 Down"));
        assertEquals(expectedNodes, nodes(), "only blue2's node is gone: the manager and the other pools stay");
        for (String[] m : List.of(new String[] {"blue", "blue1"}, new String[] {"green", "green1"})) {
            assertEquals(0, member(m[0], m[1]).get("problems").size(), m[1]);
        }
        ok(berth.run(60, "status"));

        BerthCli.Result again = ok(berth.run(60, "gc", "--yes"));
        assertTrue(again.out().contains("nothing to collect"), again.toString());
        assertEquals(expectedRrsets, rrsets());
        assertEquals(expectedNodes, nodes());
    }

    @Test
    @Order(4)
    void ansibleInventoryReadsThePoolsThroughBerthInventory() throws Exception {
        Path inventory = dir.resolve("inventory");
        Files.createDirectories(inventory);
        Path wrapper = inventory.resolve("berth");
        Files.writeString(wrapper, "#!/bin/sh\nexec " + BerthCli.LAUNCHER + " inventory --config "
                + dir.resolve("berth.yml") + " \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));

        JsonNode list = JSON.readTree(ansible("ansible-inventory", "-i", wrapper.toString(), "--list"));
        assertEquals(List.of("blue1"), texts(list.get("blue").get("hosts")), list.toString());
        assertEquals(List.of("green1"), texts(list.get("green").get("hosts")), list.toString());
        JsonNode blue1 = list.get("_meta").get("hostvars").get("blue1");
        JsonNode shown = member("blue", "blue1");
        assertEquals(shown.get("address").asText(), blue1.get("ansible_host").asText(), blue1.toString());
        assertEquals(shown.get("nodeId").asText(), blue1.get("berth_node_id").asText());
        assertEquals(shown.get("vmId").asText(), blue1.get("berth_identity").asText());
        assertEquals("active", blue1.get("berth_availability").asText());
        assertEquals("blue", blue1.get("berth_pool").asText());
        assertEquals("http://127.0.0.1:9813", blue1.get("berth_agent_api").asText(), "the agent listens on loopback");
        assertFalse(list.get("_meta").get("hostvars").has("blue2"), "a VM that is gone is no host");

        String hosts = ansible("ansible", "all", "-i", inventory.toString(), "--list-hosts");
        assertEquals(List.of("blue1", "green1"), hosts.lines().skip(1).map(String::strip).sorted().toList(), hosts);
        String green = ansible("ansible", "green", "-i", inventory.toString(), "--list-hosts");
        assertEquals(List.of("green1"), green.lines().skip(1).map(String::strip).toList(), green);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** A real Ansible command, its own home and temp dirs in the test's dir; its stdout, failing on non-zero. */
    private static String ansible(String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false)
                .redirectError(dir.resolve("ansible.err").toFile());
        Map<String, String> env = pb.environment();
        env.put("ANSIBLE_HOME", dir.resolve("ansible").toString());
        env.put("ANSIBLE_LOCAL_TEMP", dir.resolve("ansible/tmp").toString());
        env.put("ANSIBLE_INVENTORY_UNPARSED_FAILED", "true");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " still ran");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out + Files.readString(dir.resolve("ansible.err")));
        return out;
    }
}
