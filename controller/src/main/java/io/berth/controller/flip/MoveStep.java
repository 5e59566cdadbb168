package io.berth.controller.flip;

import io.berth.agent.retry.Retry;
import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Moves one replicated service off the {@code from} nodes (paused by then, so the scheduler places nothing new
 * there): one update that labels its own settings and sets the move's (start-first, failure pauses) with
 * ForceUpdate+1, so the updater replaces each task, starting the new one and removing the old one only once the
 * new one runs (healthy, with a HEALTHCHECK); then, once converged, one update that puts its own settings back.
 * Level-triggered: it reads the service first, so a rerun continues a move begun by a run that was killed.
 */
final class MoveStep implements Step {

    private static final Retry POLL = new Retry(Duration.ofMillis(250), Duration.ofSeconds(1));

    private final Swarm swarm;
    private final String serviceId;
    private final String service;
    private final Set<String> fromNodes;
    private final Duration timeout;
    /** Where it says what it is at (the flip's progress display), each change once. */
    private final Consumer<String> report;

    MoveStep(Swarm swarm, String serviceId, String service, Set<String> fromNodes, Duration timeout,
             Consumer<String> report) {
        this.swarm = swarm;
        this.serviceId = serviceId;
        this.service = service;
        this.fromNodes = fromNodes;
        this.timeout = timeout;
        this.report = report;
    }

    @Override
    public String name() {
        return "move " + service;
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        Service now = swarm.service(serviceId, false);
        List<Task> tasks = swarm.tasks(serviceId);
        if (!now.moving() && wantedOn(tasks, fromNodes) == 0) {
            return StepResult.unchanged("no task on the old pool", null);
        }
        if (dryRun) {
            return StepResult.changed("would be moved", null, null);
        }
        // Only a move begun earlier (the label is there) can be over already; one not begun has tasks on --from.
        boolean converged = now.moving() && converged(now, tasks, fromNodes);
        if (!converged && ownTasksRunOffTheOldPool(now, tasks, fromNodes)) {
            // A move that stopped (a rollback after it): the service's own tasks still run where the load goes
            // now. Back to its own spec, ForceUpdate included: Swarm keeps those tasks and removes only the move's
            // replacements. A new forced update would replace them too, and can dip while its replacements fail.
            swarm.update(serviceId, s -> s.moving() ? MoveSettings.reverted(s.spec()) : null);
            report.accept("back to its own spec (its own tasks still run off the old pool)");
        } else if (!converged && (!now.moving() || !"updating".equals(now.updateState()))) {
            // Not begun, or begun by a run that stopped and not under way now (paused, or done on other nodes):
            // (again) a forced start-first update. A label already there is kept: it holds the service's own.
            Service withDefaults = swarm.service(serviceId, true);
            swarm.update(serviceId, s -> MoveSettings.moving(s.spec(), withDefaults.spec()));
            report.accept("moving start-first, " + wantedOn(tasks, fromNodes) + " task(s) on the old pool");
        } else if (!converged) {
            report.accept("a move begun earlier is under way, waiting for it");
        }
        Instant until = Instant.now().plus(timeout);
        Service[] last = {now};
        String[] said = {""};
        boolean done = converged || POLL.await(until, () -> {
            last[0] = swarm.service(serviceId, false);
            if (last[0].updateState() != null && last[0].updateState().endsWith("paused")) {
                throw new IllegalStateException("its update paused: " + last[0].updateMessage()
                        + "; its own settings stay in label " + MoveSettings.ORIGINAL_LABEL);
            }
            List<Task> seen = swarm.tasks(serviceId);
            String at = runningOff(seen, fromNodes) + " of " + last[0].replicas() + " running off the old pool, "
                    + wantedOn(seen, fromNodes) + " left on it";
            if (!at.equals(said[0])) {
                report.accept(at);
                said[0] = at;
            }
            return converged(last[0], seen, fromNodes);
        });
        if (!done) {
            throw new IllegalStateException("did not converge within " + io.berth.config.Durations.format(timeout)
                    + " (update " + last[0].updateState() + (last[0].updateMessage() == null ? ""
                    : ": " + last[0].updateMessage()) + "); its own settings stay in label "
                    + MoveSettings.ORIGINAL_LABEL + ": rerun, or roll back");
        }
        swarm.update(serviceId, s -> s.moving() ? MoveSettings.restored(s.spec()) : null);
        return StepResult.changed("moved, its own settings restored", null, null);
    }

    /**
     * A move was begun (the label says which ForceUpdate was the service's own) and at least its replicas of the
     * service's own tasks run off {@code from}.
     */
    static boolean ownTasksRunOffTheOldPool(Service s, List<Task> tasks, Set<String> from) {
        if (!s.moving()) {
            return false;
        }
        Long own = MoveSettings.decode(MoveSettings.label(s.spec())).forceUpdate();
        return own != null && tasks.stream().filter(t -> t.running() && !from.contains(t.nodeId())
                && t.forceUpdate() == own).count() >= s.replicas();
    }

    /**
     * The move is over: the updater is not at work (done, or the service has no update status), no task of the
     * service is meant to run on a {@code from} node, and as many as its replicas run elsewhere.
     */
    static boolean converged(Service s, List<Task> tasks, Set<String> from) {
        String state = s.updateState();
        boolean idle = state == null || state.equals("completed") || state.equals("rollback_completed");
        return idle && wantedOn(tasks, from) == 0 && runningOff(tasks, from) >= s.replicas();
    }

    static long runningOff(List<Task> tasks, Set<String> nodes) {
        return tasks.stream().filter(t -> t.running() && !nodes.contains(t.nodeId())).count();
    }

    static long wantedOn(List<Task> tasks, Set<String> nodes) {
        return tasks.stream().filter(t -> t.wanted() && nodes.contains(t.nodeId())).count();
    }
}
