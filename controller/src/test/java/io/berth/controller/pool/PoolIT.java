package io.berth.controller.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.controller.BerthCli;
import io.berth.lab.IntegrationTest;
import io.berth.lab.Lab;
import io.berth.lab.LabEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * berth's pool commands, run as a user runs them (the built launcher, berth.yml from {@code berth init --lab}),
 * on a real lab: its lab provider makes each VM a lab host whose own berth-agent boots, registers and joins.
 */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoolIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Lab(workers = 0)
    static LabEnv lab;

    @TempDir
    static Path dir;

    static BerthCli berth;

    @BeforeAll
    static void init() {
        berth = new BerthCli(dir);
        BerthCli.Result init = berth.run(60, "init", "--lab", lab.name());
        assertEquals(0, init.exit(), init.toString());
    }

    @AfterAll
    static void nothingOfAnyPoolIsLeft() {
        // Whatever a failed test left: the lab's teardown must not be the only cleanup we rely on.
        berth.run(300, "pool", "destroy", "blue", "--yes", "--force");
    }

    static JsonNode json(BerthCli.Result result) throws Exception {
        return JSON.readTree(result.out());
    }

    static JsonNode show(String pool) throws Exception {
        BerthCli.Result show = berth.run(60, "pool", "show", pool, "--output", "json");
        assertEquals(0, show.exit(), show.toString());
        return json(show);
    }

    @Test
    @Order(1)
    void aPoolOfThreeIsCreatedJoinedRecordedAndShown() throws Exception {
        BerthCli.Result create = berth.run(300, "pool", "create", "blue", "--output", "json");
        assertEquals(0, create.exit(), create.toString());
        JsonNode members = show("blue").get("members");
        assertEquals(3, members.size(), members.toString());
        for (JsonNode m : members) {
            String name = m.get("name").asText();
            assertEquals("ready", m.get("nodeState").asText(), m.toString());
            assertEquals("active", m.get("availability").asText(), m.toString());
            assertEquals(0, m.get("problems").size(), m.toString());
            assertEquals(List.of(m.get("address").asText()), lab.resolve(name + "." + lab.zone(), "A"), name);
        }
        BerthCli.Result list = berth.run(60, "pool", "list");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().lines().anyMatch(l -> l.matches("blue\\s+3\\s+3\\s+3\\s+3\\s+0\\s+0")), list.out());
    }

    @Test
    @Order(2)
    void aRerunOfAFullPoolChangesNothing() throws Exception {
        BerthCli.Result again = berth.run(120, "pool", "create", "blue", "--output", "json");
        assertEquals(0, again.exit(), again.toString());
        for (JsonNode vm : json(again).get("vms")) {
            assertEquals(0, vm.get("changes").size(), vm.toString());
        }
        assertEquals(3, show("blue").get("members").size());

        BerthCli.Result dryRun = berth.run(120, "pool", "create", "blue", "--size", "4", "--dry-run", "-o", "json");
        assertEquals(0, dryRun.exit(), dryRun.toString());
        JsonNode planned = json(dryRun).get("vms").get(3);
        assertEquals("blue4", planned.get("name").asText(), planned.toString());
        assertEquals("planned", planned.get("result").asText(), planned.toString());
        assertTrue(dryRun.err().contains("blue4: power-on: would follow create"), dryRun.err());
        assertEquals(3, show("blue").get("members").size(), "a dry run changes nothing");
        assertFalse(Files.exists(Path.of(lab.get("LAB_DIR"), "vms", "blue4")));
    }

    @Test
    @Order(3)
    void destroyIsRefusedWhileTheLoadIsThereAndWithoutATerminalOrYes() throws Exception {
        String service = lab.exec("manager", "docker", "service", "create", "--detach", "--name", "web",
                "--replicas", "3", "--constraint", "node.labels.berth.pool==blue", "--stop-grace-period", "1s",
                lab.image(), "sleep", "3600").strip();
        try {
            awaitTasks(3);
            BerthCli.Result refused = berth.run(60, "pool", "destroy", "blue", "--yes");
            assertEquals(1, refused.exit(), refused.toString());
            assertTrue(refused.lastLine().contains("Active and running tasks") && refused.lastLine().contains("blue1"),
                    refused.lastLine());
            assertEquals(3, show("blue").get("members").size(), "nothing destroyed");
        } finally {
            lab.exec("manager", "docker", "service", "rm", service);
        }
        awaitTasks(0);
        BerthCli.Result dryRun = berth.run(60, "pool", "destroy", "blue", "--dry-run");
        assertEquals(0, dryRun.exit(), dryRun.toString());
        assertTrue(dryRun.out().contains("would destroy pool blue: blue1, blue2, blue3"), dryRun.out());
        BerthCli.Result noTty = berth.run(60, "pool", "destroy", "blue");
        assertEquals(2, noTty.exit(), noTty.toString());
        assertTrue(noTty.lastLine().contains("--yes"), noTty.lastLine());
        assertEquals(3, show("blue").get("members").size(), "nothing destroyed");
    }

    @Test
    @Order(4)
    void destroyLeavesNothing() throws Exception {
        BerthCli.Result destroy = berth.run(300, "pool", "destroy", "blue", "--yes");
        assertEquals(0, destroy.exit(), destroy.toString());
        assertNothingLeft("blue", 3);
    }

    @Test
    @Order(5)
    void aVmThatCannotBecomeReadyIsDestroyedAndReportedWhileTheOthersJoin() throws Exception {
        // A stale record of another host holds blue2's name: its agent refuses to take it, so blue2 never becomes
        // ready. That VM goes; the record (not ours) stays.
        lab.pdnsPatch(lab.zone(), """
                {"rrsets": [{"name": "blue2.%s", "type": "A", "ttl": 60, "changetype": "REPLACE",
                  "records": [{"content": "10.99.0.9", "disabled": false}],
                  "comments": [{"content": "berth identity 0c0ffee0-0000-4000-8000-000000000000", "account": "berth"}]}]}
                """.formatted(lab.zone()));
        try {
            BerthCli.Result create = berth.run(300, "pool", "create", "blue", "--size", "2", "--timeout", "90s",
                    "--output", "json");
            assertEquals(1, create.exit(), create.toString());
            assertTrue(create.lastLine().contains("blue2") && !create.lastLine().contains("blue1"), create.lastLine());
            JsonNode vms = json(create).get("vms");
            assertEquals("ok", vms.get(0).get("result").asText(), vms.toString());
            assertEquals("destroyed", vms.get(1).get("result").asText(), vms.toString());
            JsonNode members = show("blue").get("members");
            assertEquals(1, members.size(), members.toString());
            assertEquals("blue1", members.get(0).get("name").asText());
            assertEquals(List.of("10.99.0.9"), lab.resolve("blue2." + lab.zone(), "A"),
                    "another host's record is not ours");
            assertFalse(Files.exists(labHostDir("blue2")), "no lab host blue2");
        } finally {
            lab.pdnsPatch(lab.zone(), """
                    {"rrsets": [{"name": "blue2.%s", "type": "A", "changetype": "DELETE"}]}""".formatted(lab.zone()));
        }
    }

    /** A lab host's own directory: there while the host exists. */
    private static Path labHostDir(String host) {
        return Path.of(lab.get("LAB_DIR"), host);
    }

    @Test
    @Order(6)
    void aCreateKilledInTheMiddleOfAVmsCloneIsFinishedByTheRerun() throws Exception {
        // blue1 stands; blue2 is being cloned (its lab host being added) when berth is SIGKILLed.
        Process create = berth.start("pool", "create", "blue", "--size", "2");
        Path record = Path.of(lab.get("LAB_DIR"), "vms", "blue2", "vm.json");
        Instant until = Instant.now().plusSeconds(60);
        while (!Files.exists(record) && Instant.now().isBefore(until)) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(record), "blue2 was never recorded:\n" + berth.err());
        create.destroyForcibly();
        assertTrue(create.waitFor(10, TimeUnit.SECONDS));
        BerthCli.Result rerun = berth.run(300, "pool", "create", "blue", "--size", "2", "--output", "json");
        assertEquals(0, rerun.exit(), rerun.toString());
        JsonNode members = show("blue").get("members");
        assertEquals(2, members.size(), members.toString());
        for (JsonNode m : members) {
            assertEquals(0, m.get("problems").size(), m.toString());
        }
        BerthCli.Result destroy = berth.run(300, "pool", "destroy", "blue", "--yes");
        assertEquals(0, destroy.exit(), destroy.toString());
        assertNothingLeft("blue", 2);
    }

    @Test
    @Order(7)
    void aDestroyKilledInTheMiddleOfAGuestShutdownIsFinishedByTheRerun() throws Exception {
        BerthCli.Result create = berth.run(300, "pool", "create", "blue", "--size", "2");
        assertEquals(0, create.exit(), create.toString());
        Process destroy = berth.start("pool", "destroy", "blue", "--yes");
        // Killed while an agent's shutdown runs inside its VM: the step berth was waiting on.
        Instant until = Instant.now().plusSeconds(60);
        while (agentShutdowns() == 0 && Instant.now().isBefore(until)) {
            Thread.sleep(20);
        }
        assertTrue(agentShutdowns() > 0, "no guest shutdown began:\n" + berth.err());
        destroy.destroyForcibly();
        assertTrue(destroy.waitFor(10, TimeUnit.SECONDS));
        BerthCli.Result rerun = berth.run(300, "pool", "destroy", "blue", "--yes");
        assertEquals(0, rerun.exit(), rerun.toString());
        assertNothingLeft("blue", 2);
    }

    private static long agentShutdowns() {
        return ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("berth-agent") && c.contains(" shutdown ") && c.contains("/vms/blue")).count();
    }

    private static void awaitTasks(int running) throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        int tasks = -1;
        while (Instant.now().isBefore(until)) {
            tasks = 0;
            for (JsonNode m : show("blue").get("members")) {
                tasks += m.get("tasks").asInt();
            }
            if (tasks == running) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("expected " + running + " running tasks, saw " + tasks);
    }

    /** No VM, node, record, lab host or process of the pool's first {@code count} members is left. */
    private static void assertNothingLeft(String pool, int count) throws Exception {
        JsonNode view = show(pool);
        assertEquals(0, view.get("members").size(), view.toString());
        String nodes = lab.exec("manager", "docker", "node", "ls", "--format", "{{.Hostname}}");
        List<String> left = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String name = pool + i;
            if (nodes.lines().anyMatch(name::equals)) {
                left.add("node " + name);
            }
            if (!lab.resolve(name + "." + lab.zone(), "A").isEmpty()) {
                left.add("record " + name);
            }
            if (Files.exists(Path.of(lab.get("LAB_DIR"), "vms", name))) {
                left.add("dir of " + name);
            }
            if (Files.exists(labHostDir(name))) {
                left.add("lab host " + name);
            }
        }
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("/vms/" + pool))
                .forEach(p -> left.add("process " + p.pid() + " " + p.info().commandLine().orElse("")));
        // Also after a berth that was SIGKILLed while it ran lab commands.
        try (var temp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            temp.filter(f -> f.getFileName().toString().startsWith("berth-provider-")).forEach(f -> left.add("temp " + f));
        }
        assertEquals(List.of(), left);
    }
}
