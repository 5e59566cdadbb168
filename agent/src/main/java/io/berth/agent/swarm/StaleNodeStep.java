package io.berth.agent.swarm;

import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeState;
import io.berth.agent.lifecycle.Journal;
import io.berth.agent.lifecycle.Step;
import io.berth.agent.lifecycle.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Removes this host's own earlier nodes that are Down (a reboot without a persistent disk, a rejoin leaves
 * one behind), matched by the identity label, never by hostname. A node with our identity that is not Down
 * is left alone: it may be alive.
 */
public final class StaleNodeStep implements Step {

    private final Managers managers;
    private final Journal journal;
    private final String identity;

    public StaleNodeStep(Managers managers, Journal journal, String identity) {
        this.managers = managers;
        this.journal = journal;
        this.identity = identity;
    }

    @Override
    public String name() {
        return "stale-node";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        String current = Nodes.current(journal);
        List<SwarmNode> ours = managers.call(m -> m.listSwarmNodesCmd().exec()).stream()
                .filter(n -> !current.equals(n.getId()))
                .filter(n -> n.getSpec() != null && n.getSpec().getLabels() != null
                        && identity.equals(n.getSpec().getLabels().get(Swarm.IDENTITY_LABEL)))
                .toList();
        List<String> down = new ArrayList<>();
        List<String> alive = new ArrayList<>();
        for (SwarmNode node : ours) {
            (node.getStatus() != null && node.getStatus().getState() == SwarmNodeState.DOWN ? down : alive)
                    .add(node.getId());
        }
        String leftAlone = alive.isEmpty() ? "" : "; left alone, not Down: " + String.join(", ", alive);
        if (down.isEmpty()) {
            return StepResult.unchanged("no stale node of this host" + leftAlone, Map.of("stale", alive));
        }
        if (!dryRun) {
            for (String id : down) {
                managers.call(m -> m.removeSwarmNodeCmd(id).withForce(false).exec());
            }
        }
        return StepResult.changed((dryRun ? "would remove" : "removed") + " stale Down node(s) "
                + String.join(", ", down) + leftAlone, Map.of("stale", ours.stream().map(SwarmNode::getId).toList()),
                Map.of("stale", alive));
    }
}
