package io.berth.controller.flip;

import static io.berth.controller.flip.Fixtures.global;
import static io.berth.controller.flip.Fixtures.node;
import static io.berth.controller.flip.Fixtures.replicated;
import static io.berth.controller.flip.Fixtures.running;
import static io.berth.controller.flip.Fixtures.task;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DrainStepTest {

    private final List<Node> nodes = List.of(node("b1", "blue", "worker", "pause"),
            node("g1", "green", "worker", "active"), node("g2", "green", "worker", "active"),
            node("g3", "green", "worker", "drain"));

    @Test
    void aReplicatedTaskMeantToRunOnTheOldPoolBlocksTheDrainOneStoppingDoesNot() {
        Swarm.Snapshot s = new Swarm.Snapshot(nodes, List.of(replicated("web", 1, List.of(), ""), global("agent")),
                List.of(task("web", "b1", "shutdown", "running"), running("web", "g1"), running("agent", "b1")));
        assertEquals(List.of(), DrainStep.replicatedOn(s, "blue"), "global tasks stay until the drain");
        Swarm.Snapshot left = new Swarm.Snapshot(nodes, s.services(), List.of(running("web", "b1")));
        assertEquals(List.of("web on b1-host"), DrainStep.replicatedOn(left, "blue"));
    }

    @Test
    void globalTasksMustRunOnEveryNewNodeTheyMayRunOnBeforeTheOldOnesStop() {
        Swarm.Snapshot s = new Swarm.Snapshot(nodes, List.of(global("agent")),
                List.of(running("agent", "b1"), running("agent", "g1"), task("agent", "g2", "running", "starting")));
        assertEquals(List.of("agent on g2-host"), DrainStep.globalsMissing(s, "green"), "g3 is drained: not awaited");
        Swarm.Snapshot all = new Swarm.Snapshot(nodes, s.services(),
                List.of(running("agent", "g1"), running("agent", "g2")));
        assertEquals(List.of(), DrainStep.globalsMissing(all, "green"));
    }
}
