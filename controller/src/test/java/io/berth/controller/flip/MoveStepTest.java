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
}
