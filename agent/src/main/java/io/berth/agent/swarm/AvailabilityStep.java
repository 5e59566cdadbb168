package io.berth.agent.swarm;

import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import io.berth.agent.state.Hold;
import io.berth.agent.state.StateStore;
import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Sets a node's availability through a manager, unless it has it already: an operator's wish (the API, Ansible).
 * On this host's own node ({@code state} given) a drain or pause is recorded as the operator's before it is made,
 * so {@code run} leaves it in place, and an activation clears the hold after it: either way the journal says who
 * holds the node.
 */
public final class AvailabilityStep implements Step {

    private final SwarmManagers managers;
    private final Callable<String> nodeId;
    private final SwarmNodeAvailability wanted;
    private final Optional<StateStore> ownState;

    public AvailabilityStep(SwarmManagers managers, Callable<String> nodeId, SwarmNodeAvailability wanted,
                            Optional<StateStore> ownState) {
        this.managers = managers;
        this.nodeId = nodeId;
        this.wanted = wanted;
        this.ownState = ownState;
    }

    /** This host's own node. */
    public static AvailabilityStep ofThisHost(SwarmManagers managers, StateStore state, SwarmNodeAvailability wanted) {
        return new AvailabilityStep(managers, () -> Swarm.currentNode(state), wanted, Optional.of(state));
    }

    @Override
    public String name() {
        return "availability";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        String id = nodeId.call();
        SwarmNode node = Swarm.require(managers, id);
        String before = Swarm.availability(node);
        String after = wanted.name().toLowerCase(Locale.ROOT);
        boolean active = wanted == SwarmNodeAvailability.ACTIVE;
        if (node.getSpec().getAvailability() == wanted) {
            if (!dryRun && active) {
                ownState.ifPresent(s -> s.update(st -> st.released()));
            }
            return StepResult.unchanged("node " + id + " is already " + after, Map.of("availability", before));
        }
        if (!dryRun) {
            if (!active) {
                ownState.ifPresent(s -> s.update(st -> st.held(Hold.Holder.OPERATOR))); // before the drain it stands for
            }
            managers.updateNode(id, spec -> spec.withAvailability(wanted));
            if (active) {
                ownState.ifPresent(s -> s.update(st -> st.released()));
            }
        }
        return StepResult.changed((dryRun ? "would set" : "set") + " node " + id + " " + after
                        + (!active && ownState.isPresent() ? " (an operator's: run leaves it in place)" : ""),
                Map.of("availability", before), Map.of("availability", after));
    }
}
