package io.berth.agent.swarm;

import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import com.github.dockerjava.api.model.SwarmNodeState;
import io.berth.agent.retry.Retry;
import io.berth.agent.state.Hold;
import io.berth.agent.state.StateStore;
import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lets the Swarm schedule tasks here once the host is ready (its record resolves, its node is Ready), if the
 * drain is ours to lift: our own join's hold, or the drain of a shutdown of an earlier life that never finished
 * (a reboot on the same disk). An operator's drain, and this life's shutdown, are left in place.
 */
public final class ActivateStep implements Step {

    private final SwarmManagers managers;
    private final StateStore state;
    private final Callable<Optional<String>> recordNotReady;
    private final Instant until;

    /** {@code recordNotReady} answers why the host's record does not resolve yet, or empty once it does. */
    public ActivateStep(SwarmManagers managers, StateStore state, Callable<Optional<String>> recordNotReady,
                        Instant until) {
        this.managers = managers;
        this.state = state;
        this.recordNotReady = recordNotReady;
        this.until = until;
    }

    @Override
    public String name() {
        return "activate";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        String nodeId = Swarm.currentNode(state);
        SwarmNode node = Swarm.require(managers, nodeId);
        String availability = Swarm.availability(node);
        Map<String, String> before = Map.of("availability", availability);
        if (node.getSpec().getAvailability() == SwarmNodeAvailability.ACTIVE) {
            if (!dryRun) {
                state.update(s -> s.released());
            }
            return StepResult.unchanged("node " + nodeId + " is already active", before);
        }
        Optional<Hold> hold = state.get().heldBy();
        if (hold.isEmpty() || !hold.get().oursToLift(state.get().life())) {
            return StepResult.unchanged("node " + nodeId + " is " + availability + " by "
                    + hold.map(h -> h.by().spelling() + " (this life)").orElse("someone else (an operator?)")
                    + ": left as it is", before);
        }
        if (dryRun) {
            return StepResult.changed("would activate node " + nodeId + " once it is ready", before,
                    Map.of("availability", "active"));
        }
        AtomicReference<String> reason = new AtomicReference<>("");
        boolean ready = new Retry(Duration.ofMillis(100), Duration.ofSeconds(1)).await(until, () -> {
            Optional<String> dns = recordNotReady.call();
            if (dns.isPresent()) {
                reason.set(dns.get());
                return false;
            }
            SwarmNode now = Swarm.require(managers, nodeId);
            if (now.getStatus() == null || now.getStatus().getState() != SwarmNodeState.READY) {
                reason.set("node " + nodeId + " is " + Swarm.state(now) + ", not ready");
                return false;
            }
            return true;
        });
        if (!ready) {
            throw new SwarmException("not activated: " + reason.get(), true);
        }
        managers.updateNode(nodeId, spec -> spec.withAvailability(SwarmNodeAvailability.ACTIVE));
        state.update(s -> s.released());
        return StepResult.changed("activated node " + nodeId + " (held by " + hold.get().by().spelling() + ")",
                before, Map.of("availability", "active"));
    }
}
