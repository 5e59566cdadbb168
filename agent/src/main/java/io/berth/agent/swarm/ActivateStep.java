package io.berth.agent.swarm;

import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import com.github.dockerjava.api.model.SwarmNodeState;
import io.berth.agent.lifecycle.Journal;
import io.berth.agent.lifecycle.Step;
import io.berth.agent.lifecycle.StepResult;
import io.berth.agent.retry.Retry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lets the Swarm schedule tasks here once the host is ready (its record resolves, its node is Ready), if the
 * node is held drained by our own join. A drain that is not ours (an operator's) is left in place.
 */
public final class ActivateStep implements Step {

    private final Managers managers;
    private final Journal journal;
    private final Callable<Optional<String>> recordNotReady;
    private final Instant until;

    /** {@code recordNotReady} answers why the host's record does not resolve yet, or empty once it does. */
    public ActivateStep(Managers managers, Journal journal, Callable<Optional<String>> recordNotReady, Instant until) {
        this.managers = managers;
        this.journal = journal;
        this.recordNotReady = recordNotReady;
        this.until = until;
    }

    @Override
    public String name() {
        return "activate";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        String nodeId = Nodes.current(journal);
        SwarmNode node = Nodes.require(managers, nodeId);
        String availability = Swarm.availability(node);
        Map<String, String> before = Map.of("availability", availability);
        if (node.getSpec().getAvailability() == SwarmNodeAvailability.ACTIVE) {
            journal.put("hold", null);
            return StepResult.unchanged("node " + nodeId + " is already active", before);
        }
        if (!"join".equals(journal.get("hold").orElse(""))) {
            return StepResult.unchanged("node " + nodeId + " is " + availability
                    + " by someone else (an operator?): left as it is", before);
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
            SwarmNode now = Nodes.require(managers, nodeId);
            if (now.getStatus() == null || now.getStatus().getState() != SwarmNodeState.READY) {
                reason.set("node " + nodeId + " is " + Swarm.state(now) + ", not ready");
                return false;
            }
            return true;
        });
        if (!ready) {
            throw new SwarmException("not activated: " + reason.get(), true);
        }
        Nodes.update(managers, nodeId, spec -> spec.withAvailability(SwarmNodeAvailability.ACTIVE));
        journal.put("hold", null);
        return StepResult.changed("activated node " + nodeId, before, Map.of("availability", "active"));
    }
}
