package io.berth.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.agent.swarm.MovingTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

    @TempDir
    Path stateDir;

    @Test
    void whatARunJournaledIsThereForTheNextProcess() {
        Journal first = Journal.load(stateDir, "boot-1", true);
        first.begin("shutdown");
        first.put("nodeId", "n1");
        first.putList("tasks", List.of(new MovingTask("svc", 2, "t1")));
        first.stepDone("drain");

        Journal rerun = Journal.load(stateDir, "boot-1", true);
        rerun.begin("shutdown");
        assertEquals(Optional.of("n1"), rerun.get("nodeId"));
        assertEquals(List.of(new MovingTask("svc", 2, "t1")), rerun.getList("tasks", MovingTask.class));
        assertEquals(List.of("drain"), rerun.steps());
        assertFalse(Files.exists(stateDir.resolve("journal.json.tmp")), "written through a temp file, then renamed");
    }

    @Test
    void aFinishedShutdownCountsOnlyUntilTheNextBootOfTheAgentOrTheKernel() {
        Journal journal = Journal.load(stateDir, "boot-1", true);
        journal.begin("shutdown");
        journal.complete();
        assertTrue(Journal.load(stateDir, "boot-1", true).completed("shutdown"));
        assertFalse(Journal.load(stateDir, "boot-2", true).completed("shutdown"), "the kernel rebooted");

        Journal booted = Journal.load(stateDir, "boot-1", true);
        booted.begin("boot");
        assertFalse(Journal.load(stateDir, "boot-1", true).completed("shutdown"), "the agent booted since");
    }

    @Test
    void aNewActionForgetsTheLastOnesTasksButKeepsTheNodeAndTheHold() {
        Journal journal = Journal.load(stateDir, "boot-1", true);
        journal.begin("boot");
        journal.put("nodeId", "n1");
        journal.put("hold", "join");
        journal.putList("tasks", List.of(new MovingTask("svc", 1, "t")));
        journal.begin("shutdown");
        assertEquals(List.of(), journal.getList("tasks", MovingTask.class));
        assertEquals(Optional.of("n1"), journal.get("nodeId"));
        assertEquals(Optional.of("join"), journal.get("hold"));
    }

    @Test
    void aTornJournalStartsEmpty() throws Exception {
        Files.writeString(stateDir.resolve("journal.json"), "{\"action\": \"shut");
        assertEquals("", Journal.load(stateDir, "boot-1", true).action());
    }
}
