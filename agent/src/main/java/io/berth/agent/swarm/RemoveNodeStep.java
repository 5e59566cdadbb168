package io.berth.agent.swarm;

import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeState;
import io.berth.agent.lifecycle.Journal;
import io.berth.agent.lifecycle.Step;
import io.berth.agent.lifecycle.StepResult;
import java.util.Map;
import java.util.Optional;

/**
 * Removes this host's node from the Swarm through a manager, unless it is gone already. Forced when the
 * manager has not yet seen the node Down (that takes 9–15 s after a leave).
 */
public final class RemoveNodeStep implements Step {

    private final Managers managers;
    private final Journal journal;

    public RemoveNodeStep(Managers managers, Journal journal) {
        this.managers = managers;
        this.journal = journal;
    }

    @Override
    public String name() {
        return "remove";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        Optional<String> nodeId = journal.get("nodeId");
        Optional<SwarmNode> node = nodeId.isEmpty() ? Optional.empty() : managers.node(nodeId.get());
        if (node.isEmpty()) {
            return StepResult.unchanged("no node of this host in the Swarm", Map.of("node", "none"));
        }
        boolean force = node.get().getStatus() == null || node.get().getStatus().getState() != SwarmNodeState.DOWN;
        if (!dryRun) {
            managers.call(m -> m.removeSwarmNodeCmd(nodeId.get()).withForce(force).exec());
        }
        return StepResult.changed((dryRun ? "would remove" : "removed") + " node " + nodeId.get()
                + (force ? " (forced: not yet Down)" : ""), Map.of("node", nodeId.get()), Map.of("node", "none"));
    }
}
