package io.berth.agent.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {

    @TempDir
    Path stateDir;

    @Test
    void whatARunRecordedIsThereForTheNextProcessOfTheSameLife() {
        StateStore first = StateStore.open(stateDir, "life-1", true);
        first.update(s -> s.begin("shutdown").withNode("n1").withMoving(List.of(new MovingTask("svc", 2, "t1")))
                .stepDone("drain"));

        HostState rerun = StateStore.open(stateDir, "life-1", true).update(s -> s.begin("shutdown"));
        assertEquals(Optional.of("n1"), rerun.node());
        assertEquals(List.of(new MovingTask("svc", 2, "t1")), rerun.moving(), "a rerun keeps what its drain found");
        assertEquals(List.of("drain"), rerun.stepsDone());
        assertFalse(Files.exists(stateDir.resolve("state.json.tmp")), "written through a temp file, then renamed");
    }

    @Test
    void aNewLifeKeepsTheNodeAndTheHoldAndForgetsWhatTheLastLifeHadToMove() {
        StateStore first = StateStore.open(stateDir, "life-1", true);
        first.update(s -> s.begin("shutdown").withNode("n1").held(Hold.Holder.SHUTDOWN)
                .withMoving(List.of(new MovingTask("svc", 1, "t"))).completed());
        assertTrue(StateStore.open(stateDir, "life-1", true).get().isComplete("shutdown"));

        HostState second = StateStore.open(stateDir, "life-2", true).get();
        assertEquals("life-2", second.life());
        assertEquals(List.of(), second.moving(), "the second life's shutdown must find its own tasks");
        assertFalse(second.isComplete("shutdown"), "a shutdown of the last life is not this life's");
        assertEquals(Optional.of("n1"), second.node());
        assertEquals(Hold.Holder.SHUTDOWN, second.hold().by());
        assertTrue(second.hold().oursToLift("life-2"), "an earlier life's unfinished shutdown drain is ours to lift");
        assertFalse(second.hold().oursToLift("life-1"), "this life's shutdown is under way");
    }

    @Test
    void anotherActionStartsAfreshButKeepsTheNodeAndTheHold() {
        StateStore store = StateStore.open(stateDir, "life-1", true);
        store.update(s -> s.begin("boot").withNode("n1").held(Hold.Holder.JOIN)
                .withMoving(List.of(new MovingTask("svc", 1, "t"))));
        HostState shutdown = store.update(s -> s.begin("shutdown"));
        assertEquals(List.of(), shutdown.moving());
        assertEquals(Optional.of("n1"), shutdown.node());
        assertEquals(Hold.Holder.JOIN, shutdown.hold().by());
    }

    @Test
    void anOperatorsHoldIsNeverOursToLift() {
        Hold operator = Hold.by(Hold.Holder.OPERATOR, "life-1");
        assertFalse(operator.oursToLift("life-1"));
        assertFalse(operator.oursToLift("life-2"));
        assertTrue(Hold.by(Hold.Holder.JOIN, "life-1").oursToLift("life-1"));
    }

    @Test
    void theFileIsVersionedAndTypedOnDisk() throws Exception {
        StateStore.open(stateDir, "life-1", true).update(s -> s.withNode("n1").held(Hold.Holder.OPERATOR));
        String json = Files.readString(stateDir.resolve("state.json"));
        assertTrue(json.contains("\"version\" : 2"), json);
        assertTrue(json.contains("\"by\" : \"operator\""), json);
        assertTrue(json.contains("\"life\" : \"life-1\""), json);
    }

    @Test
    void aVersionOneJournalIsMigratedOnceAndRemoved() throws Exception {
        Files.writeString(stateDir.resolve("journal.json"), """
                {"action": "shutdown", "steps": ["drain"], "nodeId": "n1", "hold": "shutdown",
                 "tasks": [{"service": "svc", "slot": 1, "task": "t"}]}""");
        HostState migrated = StateStore.open(stateDir, "life-2", true).get();
        assertEquals(Optional.of("n1"), migrated.node());
        assertEquals(Hold.Holder.SHUTDOWN, migrated.hold().by());
        assertTrue(migrated.hold().oursToLift("life-2"), "its life is unknown: an earlier one");
        assertEquals(List.of(), migrated.moving(), "an unfinished v1 action counts as an earlier life's");
        assertFalse(Files.exists(stateDir.resolve("journal.json")));
        assertTrue(Files.exists(stateDir.resolve("state.json")));
    }

    @Test
    void aCompletedVersionOneShutdownOfThisLifeStaysComplete() throws Exception {
        Files.writeString(stateDir.resolve("journal.json"), """
                {"action": "shutdown", "steps": ["drain", "wait"], "completedInBoot": "life-1"}""");
        assertTrue(StateStore.open(stateDir, "life-1", true).get().isComplete("shutdown"));
    }

    @Test
    void aTornOrNewerFileStartsAfresh() throws Exception {
        Files.writeString(stateDir.resolve("state.json"), "{\"version\": 2, \"life\": \"li");
        assertNull(StateStore.open(stateDir, "life-1", true).get().nodeId());
        Files.writeString(stateDir.resolve("state.json"), "{\"version\": 9, \"life\": \"life-1\", \"nodeId\": \"n\"}");
        assertNull(StateStore.open(stateDir, "life-1", true).get().nodeId());
    }

    @Test
    void aDryRunWritesNothing() {
        StateStore.open(stateDir, "life-1", false).update(s -> s.withNode("n1"));
        assertFalse(Files.exists(stateDir.resolve("state.json")));
    }
}
