package io.berth.controller.flip;

import io.berth.agent.log.Log;
import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets the availability of a pool's nodes: {@code active} (the new pool, or the old one for a rollback) or
 * {@code pause} (the old pool: its tasks keep running, nothing new is placed there, so no task hops from one
 * doomed node to another). Pausing leaves a drained node drained. Reads the nodes first; a node already as
 * wanted is left alone.
 */
final class AvailabilityStep implements Step {

    private final Swarm swarm;
    private final String pool;
    private final String availability;

    AvailabilityStep(Swarm swarm, String pool, String availability) {
        this.swarm = swarm;
        this.pool = pool;
        this.availability = availability;
    }

    @Override
    public String name() {
        return ("active".equals(availability) ? "activate " : availability + " ") + pool;
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        List<String> changed = new ArrayList<>();
        for (Node n : swarm.nodes()) {
            if (!pool.equals(n.pool()) || n.availability().equals(availability)
                    || ("pause".equals(availability) && "drain".equals(n.availability()))) {
                continue;
            }
            if (!dryRun) {
                swarm.setAvailability(n.id(), availability);
                Log.info(n.hostname() + ": " + n.availability() + " -> " + availability);
            }
            changed.add(n.hostname());
        }
        return changed.isEmpty() ? StepResult.unchanged(pool + ": every node " + availability, availability)
                : StepResult.changed(pool + ": " + String.join(", ", changed) + " " + availability, null, availability);
    }
}
