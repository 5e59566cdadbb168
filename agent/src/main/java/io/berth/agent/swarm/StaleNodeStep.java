package io.berth.agent.swarm;

import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeState;
import io.berth.agent.state.StateStore;
import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Removes this host's own earlier nodes that are Down (a reboot without a persistent disk, a rejoin leaves
 * one behind), matched by the identity label, never by hostname. A node with our identity that is not Down
 * is left alone: it may be alive. Only the nodes with our label are asked for, and only once per node id of
 * ours: a stale node appears when this host gets a new node, not between two passes.
 */
public final class StaleNodeStep implements Step {

    private final SwarmManagers managers;
    private final StateStore state;
    private final String identity;
    /** The node id the last clean scan was for (kept across passes by whoever keeps the step's holder). */
    private final AtomicReference<String> scannedFor;

    public StaleNodeStep(SwarmManagers managers, StateStore state, String identity, AtomicReference<String> scannedFor) {
        this.managers = managers;
        this.state = state;
        this.identity = identity;
        this.scannedFor = scannedFor;
    }

    @Override
    public String name() {
        return "stale-node";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        String current = Swarm.currentNode(state);
        if (current.equals(scannedFor.get())) {
            return StepResult.unchanged("no stale node of this host (looked when node " + current + " began)",
                    Map.of("stale", List.of()));
        }
        List<SwarmNode> ours = managers.nodesLabelled(Swarm.IDENTITY_LABEL, identity).stream()
                .filter(n -> !current.equals(n.getId()))
                .toList();
        List<String> down = new ArrayList<>();
        List<String> alive = new ArrayList<>();
        for (SwarmNode node : ours) {
            (node.getStatus() != null && node.getStatus().getState() == SwarmNodeState.DOWN ? down : alive)
                    .add(node.getId());
        }
        String leftAlone = alive.isEmpty() ? "" : "; left alone, not Down: " + String.join(", ", alive);
        if (down.isEmpty()) {
            if (alive.isEmpty() && !dryRun) {
                scannedFor.set(current); // one that is alive now may be Down later: look again next pass
            }
            return StepResult.unchanged("no stale node of this host" + leftAlone, Map.of("stale", alive));
        }
        if (!dryRun) {
            for (String id : down) {
                managers.removeNode(id, false);
            }
            if (alive.isEmpty()) {
                scannedFor.set(current);
            }
        }
        return StepResult.changed((dryRun ? "would remove" : "removed") + " stale Down node(s) "
                + String.join(", ", down) + leftAlone, Map.of("stale", ours.stream().map(SwarmNode::getId).toList()),
                Map.of("stale", alive));
    }
}
