package io.berth.controller.flip;

import static io.berth.controller.flip.Fixtures.replicated;
import static io.berth.controller.flip.Fixtures.running;
import static io.berth.controller.flip.Fixtures.task;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MoveStepTest {

    private static final Set<String> BLUE = Set.of("b1", "b2");

    private static Service withUpdate(String state) {
        return replicated("web", 2, List.of(), "").withUpdateState(state);
    }

    @Test
    void convergedOnceNothingIsMeantToRunOnTheOldPoolAndTheReplicasRunElsewhere() {
        List<Task> moved = List.of(running("web", "g1"), running("web", "g2"),
                task("web", "b1", "shutdown", "running")); // the old one still stopping: not counted
        assertTrue(MoveStep.converged(withUpdate("completed"), moved, BLUE));
        assertTrue(MoveStep.converged(withUpdate(null), moved, BLUE), "no update status: the tasks tell");
    }

    @Test
    void notConvergedWhileTheUpdaterWorksOrTasksAreMissingOrLeftBehind() {
        List<Task> moved = List.of(running("web", "g1"), running("web", "g2"));
        assertFalse(MoveStep.converged(withUpdate("updating"), moved, BLUE));
        assertFalse(MoveStep.converged(withUpdate("paused"), moved, BLUE));
        assertFalse(MoveStep.converged(withUpdate("completed"), List.of(running("web", "g1"),
                task("web", "g2", "running", "starting")), BLUE), "a replacement not running yet");
        assertFalse(MoveStep.converged(withUpdate("completed"), List.of(running("web", "g1"), running("web", "g2"),
                running("web", "b1")), BLUE), "one left on the old pool");
    }

    @Test
    void aStoppedMoveIsRevertedOnlyWhileTheServicesOwnTasksStillRunOffTheOldPool() {
        // Rolled back after a move that stopped: the own tasks (ForceUpdate 2) run on g1, g2; the move's (3) on b1.
        Service stopped = Service.of(Fixtures.json("{'ID': 'web', 'Version': {'Index': 9}, 'Spec': {'Name': 'web', "
                + "'Labels': {'" + MoveSettings.ORIGINAL_LABEL + "': '" + MoveSettings.encode(
                        new MoveSettings.Original(null, null, 2L)) + "'}, 'TaskTemplate': {'ForceUpdate': 3}, "
                + "'Mode': {'Replicated': {'Replicas': 2}}}}"));
        List<Task> own = List.of(task("web", "g1", "running", "running", 2), task("web", "g2", "running", "running", 2),
                task("web", "b1", "running", "starting", 3));
        assertTrue(MoveStep.ownTasksRunOffTheOldPool(stopped, own, BLUE));
        List<Task> halfReplaced = List.of(task("web", "g1", "running", "running", 2),
                task("web", "g2", "running", "running", 3));
        assertFalse(MoveStep.ownTasksRunOffTheOldPool(stopped, halfReplaced, BLUE),
                "fewer own tasks than replicas: move on instead");
        assertFalse(MoveStep.ownTasksRunOffTheOldPool(withUpdate("paused"), own, BLUE), "no move begun: no label");
    }
}
