package io.berth.controller.pool;

import io.berth.agent.log.Log;
import io.berth.agent.retry.Retry;
import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * Waits, reading the pool again and again (one read shared by every VM's wait), until the VM's member is what {@code --wait} asks: its node joined
 * ({@code joined}), or also activated by its agent with its A record pointing at it ({@code ready}).
 */
final class MemberWaitStep implements Step {

    private static final Retry POLL = new Retry(Duration.ofMillis(500), Duration.ofSeconds(2));

    private final SharedRead pool;
    private final VmWork work;
    private final String name;
    private final Predicate<PoolView.Member> reached;
    private final Instant until;

    private MemberWaitStep(SharedRead pool, VmWork work, String name, Predicate<PoolView.Member> reached,
                           Instant until) {
        this.pool = pool;
        this.work = work;
        this.name = name;
        this.reached = reached;
        this.until = until;
    }

    /** Its node is in the Swarm and ready (held out of scheduling until its agent activates it). */
    static MemberWaitStep joined(SharedRead pool, VmWork work, Instant until) {
        return new MemberWaitStep(pool, work, "joined", m -> m.nodeId() != null && "ready".equals(m.nodeState()),
                until);
    }

    /** Joined, active, its record pointing at it, nothing amiss. */
    static MemberWaitStep ready(SharedRead pool, VmWork work, Instant until) {
        return new MemberWaitStep(pool, work, "ready", PoolView.Member::ready, until);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        if (dryRun && work.vm == null) {
            return StepResult.changed("would be waited for", null, null);
        }
        PoolView.Member[] last = new PoolView.Member[1];
        String[] readFailure = new String[1];
        boolean ok = POLL.await(until, () -> {
            try {
                last[0] = pool.read().member(work.name).orElse(null);
                readFailure[0] = null;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                // A manager or PowerDNS that blips while we watch is no reason to give a VM up: read again.
                readFailure[0] = Log.oneLine(e);
                return false;
            }
            return last[0] != null && reached.test(last[0]);
        });
        if (!ok) {
            throw new IllegalStateException("not " + name + " by the deadline"
                    + (readFailure[0] != null ? ": the pool could not be read: " + readFailure[0]
                    : last[0] == null ? "" : ": " + describe(last[0])));
        }
        return StepResult.unchanged(name + " (node " + last[0].nodeId() + ")", last[0].nodeId());
    }

    private static String describe(PoolView.Member m) {
        return m.problems().isEmpty() ? "node " + m.nodeState() + ", " + m.availability()
                : String.join("; ", m.problems());
    }
}
