package io.berth.controller.flip;

import io.berth.agent.log.Log;
import io.berth.agent.retry.Retry;
import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Drains the old pool once it runs no replicated task: what is left there are global tasks, which stop last,
 * once each global service runs on every new node it may run on. The pool stays drained, for a rollback.
 */
final class DrainStep implements Step {

    private static final Retry POLL = new Retry(Duration.ofMillis(250), Duration.ofSeconds(1));

    private final Swarm swarm;
    private final String from;
    private final String to;
    private final Duration timeout;

    DrainStep(Swarm swarm, String from, String to, Duration timeout) {
        this.swarm = swarm;
        this.from = from;
        this.to = to;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "drain " + from;
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        Swarm.Snapshot s = swarm.snapshot();
        List<Node> doomed = s.pool(from).stream().filter(n -> !"drain".equals(n.availability())).toList();
        if (doomed.isEmpty()) {
            return StepResult.unchanged(from + ": every node drained", "drain");
        }
        if (dryRun) {
            return StepResult.changed("would drain " + names(doomed), null, "drain");
        }
        List<String> replicated = replicatedOn(s, from);
        if (!replicated.isEmpty()) {
            throw new IllegalStateException(from + " still runs replicated tasks (" + String.join(", ", replicated)
                    + "): not drained, a drain would stop them before their replacements start");
        }
        List<String>[] missing = new List[] {List.of()};
        boolean globalsThere = POLL.await(Instant.now().plus(timeout), () -> {
            missing[0] = globalsMissing(swarm.snapshot(), to);
            return missing[0].isEmpty();
        });
        if (!globalsThere) {
            throw new IllegalStateException("global tasks do not run on " + to + " within "
                    + io.berth.config.Durations.format(timeout) + ": " + String.join(", ", missing[0])
                    + "; " + from + " not drained");
        }
        for (Node n : doomed) {
            swarm.setAvailability(n.id(), "drain");
            Log.info(n.hostname() + ": " + n.availability() + " -> drain");
        }
        return StepResult.changed(from + ": " + names(doomed) + " drained", null, "drain");
    }

    /** Replicated services with a task meant to run on the pool's nodes, as {@code service on node}. */
    static List<String> replicatedOn(Swarm.Snapshot s, String pool) {
        Set<String> ids = s.pool(pool).stream().map(Node::id).collect(Collectors.toSet());
        List<String> out = new ArrayList<>();
        for (Service service : s.services()) {
            if (service.replicated()) {
                s.tasksOf(service.id()).stream().filter(t -> t.wanted() && ids.contains(t.nodeId()))
                        .forEach(t -> out.add(service.name() + " on " + s.node(t.nodeId()).hostname()));
            }
        }
        return out;
    }

    /** Global services not yet running on a node of {@code pool} they may run on, as {@code service on node}. */
    static List<String> globalsMissing(Swarm.Snapshot s, String pool) {
        List<String> out = new ArrayList<>();
        for (Service service : s.services()) {
            if (!service.global()) {
                continue;
            }
            List<Constraint> constraints;
            try {
                constraints = service.constraints().stream().map(Constraint::parse).toList();
            } catch (IllegalArgumentException e) {
                continue; // cannot tell where it may run: do not wait for it
            }
            for (Node n : s.pool(pool)) {
                if (n.schedulable() && Constraint.all(constraints, n) && s.tasksOf(service.id()).stream()
                        .noneMatch(t -> t.running() && n.id().equals(t.nodeId()))) {
                    out.add(service.name() + " on " + n.hostname());
                }
            }
        }
        return out;
    }

    private static String names(List<Node> nodes) {
        return nodes.stream().map(Node::hostname).collect(Collectors.joining(", "));
    }
}
