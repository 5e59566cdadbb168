package io.berth.agent.swarm;

import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskState;
import io.berth.agent.lifecycle.Journal;
import io.berth.agent.lifecycle.Step;
import io.berth.agent.lifecycle.StepResult;
import io.berth.agent.retry.CallBound;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Drains this host's node through a manager, first noting in the journal which replicated tasks run here
 * (the wait step checks that each of them runs elsewhere), unless it is drained already.
 */
public final class DrainStep implements Step {

    /** How long the local engine may take to say which node it is, before the journal's word is taken. */
    private static final Duration ENGINE_GLANCE = Duration.ofSeconds(2);

    private final Engine engine;
    private final Managers managers;
    private final Journal journal;

    public DrainStep(Engine engine, Managers managers, Journal journal) {
        this.engine = engine;
        this.managers = managers;
        this.journal = journal;
    }

    @Override
    public String name() {
        return "drain";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        // The engine forgets its node id when it leaves; an interrupted earlier run journaled it. A wedged engine
        // does not stop the drain: it goes through a manager, with the node id the journal holds.
        Optional<String> known;
        try {
            known = CallBound.within(Instant.now().plus(ENGINE_GLANCE), engine::nodeId).or(() -> journal.get("nodeId"));
        } catch (SwarmException engineDown) {
            known = journal.get("nodeId");
            if (known.isEmpty()) {
                throw engineDown;
            }
        }
        if (known.isEmpty()) {
            return StepResult.unchanged("not in a Swarm: nothing to drain", Map.of("node", "none"));
        }
        String nodeId = known.get();
        if (!dryRun) {
            journal.put("nodeId", nodeId);
        }
        Optional<SwarmNode> node = managers.node(nodeId);
        if (node.isEmpty()) {
            return StepResult.unchanged("node " + nodeId + " is no longer in the Swarm", Map.of("node", "none"));
        }
        Map<String, String> before = Map.of("node", nodeId, "availability", Swarm.availability(node.get()));
        if (journal.getList("tasks", MovingTask.class).isEmpty() && !dryRun) {
            journal.putList("tasks", replicatedTasksOn(nodeId));
        }
        if (node.get().getSpec().getAvailability() == SwarmNodeAvailability.DRAIN) {
            return StepResult.unchanged("node " + nodeId + " is already drained", before);
        }
        if (!dryRun) {
            Nodes.update(managers, nodeId, spec -> spec.withAvailability(SwarmNodeAvailability.DRAIN));
            journal.put("hold", "shutdown");
        }
        return StepResult.changed((dryRun ? "would drain" : "drained") + " node " + nodeId, before,
                Map.of("node", nodeId, "availability", "drain"));
    }

    private List<MovingTask> replicatedTasksOn(String nodeId) throws Exception {
        List<Task> tasks = managers.call(m -> m.listTasksCmd().withNodeFilter(nodeId).exec());
        return tasks.stream()
                .filter(t -> t.getDesiredState() == TaskState.RUNNING && t.getSlot() != null && t.getSlot() > 0)
                .map(t -> new MovingTask(t.getServiceId(), t.getSlot(), t.getId()))
                .toList();
    }
}
