package io.berth.agent.swarm;

import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskState;
import io.berth.agent.retry.CallBound;
import io.berth.agent.state.Hold;
import io.berth.agent.state.MovingTask;
import io.berth.agent.state.StateStore;
import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Drains this host's node through a manager, unless it is drained already. First it records which replicated
 * tasks run here (the wait step checks that each of them runs elsewhere) and whose drain it is:
 * both are written before the drain, so a kill in between leaves nothing unowned.
 */
public final class DrainStep implements Step {

    /** How long the local engine may take to say which node it is, before the recorded node id is taken. */
    private static final Duration ENGINE_GLANCE = Duration.ofSeconds(2);

    private final LocalEngine engine;
    private final SwarmManagers managers;
    private final StateStore state;
    private final Hold.Holder holder;

    /** {@code holder}: whose drain it is, recorded before it (shutdown's own, or an operator's through Ansible). */
    public DrainStep(LocalEngine engine, SwarmManagers managers, StateStore state, Hold.Holder holder) {
        this.engine = engine;
        this.managers = managers;
        this.state = state;
        this.holder = holder;
    }

    @Override
    public String name() {
        return "drain";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        // The engine forgets its node id when it leaves; an interrupted earlier run recorded it. A wedged engine
        // does not stop the drain: it goes through a manager, with the recorded node id.
        Optional<String> known;
        try {
            known = CallBound.within(Instant.now().plus(ENGINE_GLANCE), engine::nodeId).or(() -> state.get().node());
        } catch (SwarmException engineDown) {
            known = state.get().node();
            if (known.isEmpty()) {
                throw engineDown;
            }
        }
        if (known.isEmpty()) {
            return StepResult.unchanged("not in a Swarm: nothing to drain", Map.of("node", "none"));
        }
        String nodeId = known.get();
        if (!dryRun) {
            state.update(s -> s.withNode(nodeId));
        }
        Optional<SwarmNode> node = managers.node(nodeId);
        if (node.isEmpty()) {
            return StepResult.unchanged("node " + nodeId + " is no longer in the Swarm", Map.of("node", "none"));
        }
        Map<String, String> before = Map.of("node", nodeId, "availability", Swarm.availability(node.get()));
        if (state.get().moving().isEmpty() && !dryRun) {
            List<MovingTask> here = replicatedTasksOn(nodeId);
            state.update(s -> s.withMoving(here));
        }
        if (node.get().getSpec().getAvailability() == SwarmNodeAvailability.DRAIN) {
            return StepResult.unchanged("node " + nodeId + " is already drained", before);
        }
        if (!dryRun) {
            state.update(s -> s.held(holder));
            managers.updateNode(nodeId, spec -> spec.withAvailability(SwarmNodeAvailability.DRAIN));
        }
        return StepResult.changed((dryRun ? "would drain" : "drained") + " node " + nodeId, before,
                Map.of("node", nodeId, "availability", "drain"));
    }

    private List<MovingTask> replicatedTasksOn(String nodeId) throws Exception {
        return managers.tasksOnNode(nodeId).stream()
                .filter(t -> t.getDesiredState() == TaskState.RUNNING && t.getSlot() != null && t.getSlot() > 0)
                .map(t -> new MovingTask(t.getServiceId(), t.getSlot(), t.getId()))
                .toList();
    }
}
