package io.berth.agent.swarm;

import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.SwarmInfo;
import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import java.util.Map;

/** Makes this host's engine leave the Swarm, unless it is out already; a manager leaves only when forced. */
public final class LeaveStep implements Step {

    private final LocalEngine engine;
    private final boolean force;

    public LeaveStep(LocalEngine engine, boolean force) {
        this.engine = engine;
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
            engine.leave(manager);
        }
        return StepResult.changed((dryRun ? "would leave" : "left") + " the Swarm", Map.of("swarm", "active"),
                Map.of("swarm", "inactive"));
    }
}
