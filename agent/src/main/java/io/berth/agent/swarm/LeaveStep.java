package io.berth.agent.swarm;

import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.SwarmInfo;
import io.berth.agent.state.StateStore;
import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import java.util.Map;

/**
 * Makes this host's engine leave the Swarm, unless it is out already; a manager leaves only when forced. The node id
 * is recorded first: the engine forgets it, and the remove step after this one needs it.
 */
public final class LeaveStep implements Step {

    private final LocalEngine engine;
    private final StateStore state;
    private final boolean force;

    public LeaveStep(LocalEngine engine, StateStore state, boolean force) {
        this.engine = engine;
        this.state = state;
        this.force = force;
    }

    @Override
    public String name() {
        return "leave";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        SwarmInfo swarm = engine.swarm();
        if (swarm.getLocalNodeState() == LocalNodeState.INACTIVE) {
            return StepResult.unchanged("not in a Swarm", Map.of("swarm", "inactive"));
        }
        boolean manager = Boolean.TRUE.equals(swarm.getControlAvailable());
        if (manager && !force) {
            throw new SwarmException("this node is a manager: leaving could break quorum; use --force", false);
        }
        if (!dryRun) {
            if (swarm.getLocalNodeState() == LocalNodeState.ACTIVE && swarm.getNodeID() != null) {
                state.update(s -> s.withNode(swarm.getNodeID()));
            }
            engine.leave(manager);
        }
        return StepResult.changed((dryRun ? "would leave" : "left") + " the Swarm", Map.of("swarm", "active"),
                Map.of("swarm", "inactive"));
    }
}
