package io.berth.agent.lifecycle;

import com.github.dockerjava.api.model.SwarmNodeAvailability;
import io.berth.agent.dns.PowerDnsHttp;
import io.berth.agent.log.Log;
import io.berth.agent.retry.Backstop;
import io.berth.agent.retry.CallBound;
import io.berth.agent.retry.Deadline;
import io.berth.agent.state.ActionLock;
import io.berth.agent.state.Hold;
import io.berth.agent.state.ShutdownMarker;
import io.berth.agent.step.StepsRunner;
import io.berth.agent.swarm.AvailabilityStep;
import io.berth.agent.swarm.DrainStep;
import io.berth.agent.swarm.JoinRequest;
import io.berth.agent.swarm.JoinStep;
import io.berth.agent.swarm.LeaveStep;
import io.berth.agent.swarm.RemoveNodeStep;
import io.berth.agent.swarm.WaitTasksStep;
import io.berth.config.AgentConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The agent's actions on this host, each whole: the file lock (so no two interleave, and a running {@code run}'s pass
 * finishes first), the journal (begun, each step recorded, completed), the hand-over to a running {@code run} (the
 * shutdown marker, written before the lock is waited for, so {@code run} stops healing and never undoes a leave), and
 * the steps. The commands ({@code boot}, {@code shutdown}) and the Ansible modules both run them from here.
 */
public final class HostActions {

    /** How long an action waits for the lock and for the local engine (a pass of {@code run} may hold the lock). */
    public static final Duration LOCK_WAIT = Duration.ofSeconds(60);
    /** How long boot waits for its record to resolve and its node to be Ready before activating. */
    static final Duration READY_WAIT = Duration.ofSeconds(60);
    /** How long a glance at the local engine may take before a step needs it (it answers in milliseconds). */
    static final Duration ENGINE_GLANCE = Duration.ofSeconds(2);
    /** How long past its deadline a shutdown may still be running before the backstop ends the process. */
    static final Duration BACKSTOP_GRACE = Duration.ofSeconds(2);

    private HostActions() {
    }

    /**
     * How an action ended: its steps' outcomes, or why it was refused before any step ran, and the API requests it
     * sent. {@code ok()} when every step succeeded.
     */
    public record Done(String action, List<StepsRunner.Outcome> outcomes, Optional<String> refused, String calls) {
        public boolean ok() {
            return refused.isEmpty() && outcomes.stream().allMatch(o -> o.status() == StepsRunner.Status.OK);
        }

        static Done refused(String action, String why) {
            return new Done(action, List.of(), Optional.of(why), "");
        }
    }

    /** Boot: record, join (held when activateWhenReady), labels, stale node, activate. Clears a shutdown of this life. */
    public static Done boot(AgentConfig config, boolean dryRun, boolean takeOver) throws Exception {
        return underLock(config, dryRun, "boot", Duration.ofSeconds(10), s -> {
            s.engine().awaitUp(Instant.now().plus(LOCK_WAIT));
            if (!dryRun) {
                ShutdownMarker.clear(config.stateDir()); // a new life: a shutdown of the last one no longer stands
            }
            Log.info("boot " + s.host().fqdn() + " at " + s.host().address() + " (identity " + s.host().identity() + ")"
                    + (dryRun ? " [dry run]" : ""));
            return Plans.boot(s, takeOver, Instant.now().plus(READY_WAIT));
        });
    }

    /**
     * Shutdown: drain, wait for the tasks to move, leave, remove the node, deregister; refused on a manager unless
     * forced. The whole of it is bounded by {@code budget}, the backstop included.
     */
    public static Done shutdown(AgentConfig config, boolean dryRun, boolean force, Deadline budget) throws Exception {
        try (Backstop backstop = Backstop.arm("shutdown", budget.end().plus(BACKSTOP_GRACE))) {
            return handedOver(config, dryRun, "shutdown", force, budget.forWaiting(), s -> {
                Log.info("shutdown " + s.host().fqdn() + " within " + Duration.between(Instant.now(), budget.end())
                        .toSeconds() + " s" + (dryRun ? " [dry run]" : ""));
                return Plans.shutdown(s, force, budget);
            });
        }
    }

    /** Joins the Swarm unless in it; no hold unless asked. Clears a shutdown of this life, as boot does. */
    public static Done join(AgentConfig config, boolean dryRun, Function<Session, JoinRequest> request) throws Exception {
        return underLock(config, dryRun, "join", Duration.ofSeconds(10), s -> {
            if (!dryRun) {
                ShutdownMarker.clear(config.stateDir());
            }
            return List.of(StepsRunner.Planned.of(new JoinStep(s.engine(), s.managers(), request.apply(s), s.state())));
        });
    }

    /** Leaves the Swarm and removes the node through a manager, undrained: handed over as a shutdown is. */
    public static Done leave(AgentConfig config, boolean dryRun, boolean force) throws Exception {
        return handedOver(config, dryRun, "leave", force, Instant.now().plus(LOCK_WAIT), s -> List.of(
                StepsRunner.Planned.of(new LeaveStep(s.engine(), s.state(), force)),
                StepsRunner.Planned.of(new RemoveNodeStep(s.managers(), s.state()))));
    }

    /** An operator's drain of this host's node (run leaves it in place), then the wait until its tasks run elsewhere. */
    public static Done drain(AgentConfig config, boolean dryRun, Deadline budget) throws Exception {
        return underLock(config, dryRun, "drain", PowerDnsHttp.DEFAULT_RETRY_FOR, s -> List.of(
                StepsRunner.Planned.of(new DrainStep(s.engine(), s.managers(), s.state(), Hold.Holder.OPERATOR))
                        .within(budget.forWaiting()),
                StepsRunner.Planned.of(new WaitTasksStep(s.managers(), s.state(), budget.forWaiting()), "drain")
                        .within(budget.forWaiting())));
    }

    /** Makes this host's node active, whoever drained it; refused once a shutdown has begun in this boot. */
    public static Done activate(AgentConfig config, boolean dryRun) throws Exception {
        if (ShutdownMarker.requested(config.stateDir(), Host.currentKernelBootId())) {
            return Done.refused("activate", "a shutdown of this host is in progress: not activating");
        }
        return underLock(config, dryRun, "activate", PowerDnsHttp.DEFAULT_RETRY_FOR, s -> List.of(
                StepsRunner.Planned.of(AvailabilityStep.ofThisHost(s.managers(), s.state(), SwarmNodeAvailability.ACTIVE))));
    }

    /** The steps of an action, planned once the session is open (they may need to read something first). */
    public interface Planner {
        List<StepsRunner.Planned> plan(Session session) throws Exception;
    }

    /** Steps on a Swarm node (this host's or another's) through the managers, under the lock, as an action. */
    public static Done node(AgentConfig config, boolean dryRun, Planner planner) throws Exception {
        return underLock(config, dryRun, "node", PowerDnsHttp.DEFAULT_RETRY_FOR, planner);
    }

    /**
     * An action that would fight a running {@code run} (it leaves the Swarm): refused on a manager unless forced, the
     * shutdown marker written before the lock is waited for, and done once per life.
     */
    private static Done handedOver(AgentConfig config, boolean dryRun, String action, boolean force, Instant lockUntil,
                                   Planner planner) throws Exception {
        try (Session session = new Session(config, dryRun, PowerDnsHttp.DEFAULT_RETRY_FOR)) {
            // A wedged engine must not eat the budget here: the steps report it.
            if (!force && CallBound.within(Instant.now().plus(ENGINE_GLANCE), () -> isManager(session))) {
                return Done.refused(action, action + " refused: this node is a Swarm manager; leaving could break "
                        + "quorum (force it: --force, or force: true in Ansible)");
            }
            if (!dryRun) {
                // Before waiting for the lock: a running `run` sees it, stops healing and lets go of the lock.
                ShutdownMarker.request(config.stateDir(), session.host().kernelBootId());
            }
            try (ActionLock lock = ActionLock.take(config.stateDir(), action, lockUntil)) {
                session.refresh();
                if (action.equals("shutdown") && session.state().get().isComplete("shutdown")) {
                    Log.info("shutdown: already done in this boot, nothing to do");
                    return new Done(action, List.of(), Optional.empty(), session.calls());
                }
                return steps(session, dryRun, action, planner);
            }
        }
    }

    private static Done underLock(AgentConfig config, boolean dryRun, String action, Duration dnsRetryFor,
                                  Planner planner) throws Exception {
        try (ActionLock lock = ActionLock.take(config.stateDir(), action, Instant.now().plus(LOCK_WAIT));
             Session session = new Session(config, dryRun, dnsRetryFor)) {
            return steps(session, dryRun, action, planner);
        }
    }

    private static Done steps(Session session, boolean dryRun, String action, Planner planner) throws Exception {
        List<StepsRunner.Planned> plan = planner.plan(session);
        session.state().update(st -> st.begin(action));
        List<StepsRunner.Outcome> outcomes = new StepsRunner(session.state(), dryRun).run(plan);
        boolean allOk = outcomes.stream().allMatch(o -> o.status() == StepsRunner.Status.OK);
        if (allOk && !dryRun) {
            session.state().update(st -> st.completed());
        }
        return new Done(action, outcomes, Optional.empty(), session.calls());
    }

    private static boolean isManager(Session s) {
        try {
            return Boolean.TRUE.equals(s.engine().swarm().getControlAvailable());
        } catch (Exception engineDown) {
            return false; // Without its engine a host cannot be a working manager; the steps report the outage.
        }
    }
}
