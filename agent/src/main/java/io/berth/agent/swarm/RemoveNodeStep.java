package io.berth.agent.swarm;

import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeState;
import io.berth.agent.state.StateStore;
import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import java.util.Map;
import java.util.Optional;

/**
 * Removes this host's node from the Swarm through a manager, unless it is gone already. Forced when the
 * manager has not yet seen the node Down (that takes 9–15 s after a leave).
 */
public final class RemoveNodeStep implements Step {

    private final SwarmManagers managers;
    private final StateStore state;

    public RemoveNodeStep(SwarmManagers managers, StateStore state) {
        this.managers = managers;
        this.state = state;
    }

    @Override
    public String name() {
        return "remove";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        Optional<String> nodeId = state.get().node();
        Optional<SwarmNode> node = nodeId.isEmpty() ? Optional.empty() : managers.node(nodeId.get());
        if (node.isEmpty()) {
            return StepResult.unchanged("no node of this host in the Swarm", Map.of("node", "none"));
        }
        boolean force = node.get().getStatus() == null || node.get().getStatus().getState() != SwarmNodeState.DOWN;
        if (!dryRun) {
            managers.removeNode(nodeId.get(), force);
        }
        return StepResult.changed((dryRun ? "would remove" : "removed") + " node " + nodeId.get()
                + (force ? " (forced: not yet Down)" : ""), Map.of("node", nodeId.get()), Map.of("node", "none"));
    }
}
