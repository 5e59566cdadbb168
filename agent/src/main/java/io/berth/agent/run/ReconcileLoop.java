package io.berth.agent.run;

import io.berth.agent.http.AgentMetrics;
import io.berth.agent.lifecycle.Plans;
import io.berth.agent.lifecycle.Session;
import io.berth.agent.log.Log;
import io.berth.agent.state.ActionLock;
import io.berth.agent.step.StepsRunner;
import io.berth.config.AgentConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The reconcile loop: a pass runs boot's idempotent steps under the lock, then looks at readiness. Passes come every
 * {@code reconcile.interval} (PowerDNS has no events), at once when woken (drift seen, a node event), and after a
 * failure with capped exponential backoff (1 s doubling up to the interval). A pass is thorough (its record read
 * through the PowerDNS API) until boot succeeded, then one in ten; the others are quick (the record checked with
 * a DNS query, the API read only on a mismatch), so an idle fleet costs PowerDNS nearly nothing.
 * A shutdown ends the loop for good.
 */
final class ReconcileLoop implements Runnable {

    /** How long one pass waits for its record to resolve and its node to be Ready before activating. */
    static final Duration READY_WAIT = Duration.ofSeconds(30);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    /** After boot, one pass in this many is thorough. */
    static final int THOROUGH_EVERY = 10;

    private final AgentConfig config;
    private final AgentMetrics metrics;
    private final StatusBoard board;
    private final SessionLock work;
    private final Readiness readiness;
    private final LocalEngineWatcher watcher;
    private final ShutdownWatch shutdown;
    private final Wakeups wakeups;

    ReconcileLoop(AgentConfig config, AgentMetrics metrics, StatusBoard board, SessionLock work, Readiness readiness,
                  LocalEngineWatcher watcher, ShutdownWatch shutdown, Wakeups wakeups) {
        this.config = config;
        this.metrics = metrics;
        this.board = board;
        this.work = work;
        this.readiness = readiness;
        this.watcher = watcher;
        this.shutdown = shutdown;
        this.wakeups = wakeups;
    }

    @Override
    public void run() {
        Duration interval = config.reconcile().interval();
        Backoff backoff = new Backoff(FIRST_BACKOFF, interval);
        boolean booted = false;
        long passes = 0;
        while (!wakeups.stopped()) {
            if (shutdown.requested()) {
                return;
            }
            boolean thorough = thorough(booted, passes++);
            Instant start = Instant.now();
            boolean ok = pass(booted, thorough);
            metrics.reconciled(Duration.between(start, Instant.now()));
            booted |= ok;
            Duration next = ok ? interval : backoff.current();
            if (ok) {
                backoff.reset();
            } else {
                backoff.grow();
            }
            wakeups.await(next);
        }
    }

    /** Until boot succeeded every pass is thorough; after it, one in {@link #THOROUGH_EVERY} (counted from 0). */
    static boolean thorough(boolean booted, long passes) {
        return !booted || passes % THOROUGH_EVERY == 0;
    }

    /** One pass: boot's steps under the lock; true when every step succeeded. */
    private boolean pass(boolean booted, boolean thorough) {
        work.lockForPass();
        try (ActionLock lock = ActionLock.take(config.stateDir(), "run", Instant.now().plusSeconds(1))) {
            if (shutdown.requested()) {
                return true;
            }
            Session session = work.openIfNeeded(() -> new Session(config, false, Duration.ofSeconds(10)));
            String oldAddress = session.host().address();
            session.refresh();
            if (booted && !oldAddress.equals(session.host().address())) {
                Log.info("address changed from " + oldAddress + " to " + session.host().address());
                metrics.repaired("address");
            }
            // Later passes keep the ready/not-ready phase the last one left: a pass is short and changes nothing
            // when nothing drifted, so status does not flicker.
            board.host(session.host());
            if (!booted) {
                board.phase("booting");
            }
            Instant readyUntil = Instant.now().plus(READY_WAIT);
            List<StepsRunner.Planned> plan = Plans.boot(session, false, readyUntil, thorough);
            List<StepsRunner.Outcome> outcomes = new StepsRunner(session.state(), false).run(plan);
            String failure = null;
            for (StepsRunner.Outcome outcome : outcomes) {
                if (outcome.status() == StepsRunner.Status.FAILED) {
                    failure = failure != null ? failure : outcome.step() + ": " + outcome.error();
                    metrics.failed(FailureKind.ofStep(outcome.step()));
                    board.failed(outcome.step() + ": " + outcome.error());
                } else if (outcome.changed() && booted) {
                    metrics.repaired(outcome.step());
                    board.repaired(outcome.step());
                }
                if (outcome.step().equals("record") && outcome.result() != null) {
                    board.record(outcome.result().after());
                }
            }
            readiness.observe(session);
            if (failure != null) {
                board.notReady(failure); // what failed says more than what the look found
            }
            board.reconciled();
            watcher.passLeft(outcomes.stream()
                    .anyMatch(o -> o.step().equals("join") && o.status() == StepsRunner.Status.OK));
            return failure == null;
        } catch (InterruptedException e) {
            Thread.interrupted(); // A shutdown began; the loop checks the marker next.
            return true;
        } catch (Exception e) {
            // Outside the file lock now: the state is not touched here; the next pass looks again.
            metrics.failed(FailureKind.of(e));
            board.failed(Log.oneLine(e));
            return false;
        } finally {
            work.unlock();
        }
    }
}
