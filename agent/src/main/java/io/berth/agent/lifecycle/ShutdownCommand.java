package io.berth.agent.lifecycle;

import io.berth.agent.cli.AgentOptions;
import io.berth.agent.log.Log;
import io.berth.agent.retry.Deadline;
import io.berth.agent.dns.PowerDnsHttp;
import io.berth.agent.retry.Backstop;
import io.berth.agent.retry.CallBound;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import io.berth.agent.state.ActionLock;
import io.berth.agent.state.ShutdownMarker;
import io.berth.agent.step.StepsRunner;
import io.berth.config.AgentConfig;

/** berth-agent shutdown: drain, wait for the tasks to move, leave, remove the node, deregister. */
@Command(name = "shutdown", mixinStandardHelpOptions = true,
        description = {
            "Drains this host's node through a manager, waits until every task that ran here runs on another "
                    + "node, leaves the Swarm, removes its node and deletes its own DNS records.",
            "The deadline bounds the whole command: when it nears, each remaining step still runs with a short "
                    + "timeout of its own, then the command exits 1 naming what it could not do. It never hangs "
                    + "(LinuxKit's onshutdown has no timeout). A rerun after an interrupted run finishes the job; "
                    + "after a finished one it does nothing."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every step done", "1:a step failed or the deadline passed", "2:bad usage or config"})
public final class ShutdownCommand implements Callable<Integer> {

    @Mixin
    AgentOptions options;

    /** How long a glance at the local engine may take before a step needs it (it answers in milliseconds). */
    static final Duration ENGINE_GLANCE = Duration.ofSeconds(2);

    @Option(names = "--deadline", paramLabel = "D", converter = DurationConverter.class,
            description = "Bound for the whole command, e.g. 90s or 2m (default: swarm.drainTimeout).")
    Duration deadline;

    @Option(names = "--force", description = "Leave even if this node is a manager (a forced leave can break quorum).")
    boolean force;

    /** How long past its deadline a shutdown may still be running before the backstop ends the process. */
    static final Duration BACKSTOP_GRACE = Duration.ofSeconds(2);

    @Override
    public Integer call() throws Exception {
        AgentConfig config = options.load();
        Deadline budget = Deadline.of(deadline != null ? deadline : config.swarm().drainTimeout());
        try (Backstop backstop = Backstop.arm("shutdown", budget.end().plus(BACKSTOP_GRACE));
             Session session = new Session(config, options.dryRun, PowerDnsHttp.DEFAULT_RETRY_FOR)) {
            // A wedged engine must not eat the budget here: the steps report it.
            if (!force && CallBound.within(Instant.now().plus(ENGINE_GLANCE), () -> isManager(session))) {
                Log.error("shutdown refused: this node is a Swarm manager; leaving could break quorum (use --force)");
                return 1;
            }
            if (!options.dryRun) {
                // Before waiting for the lock: a running `run` sees it, stops healing and lets go of the lock.
                ShutdownMarker.request(config.stateDir(), session.host().kernelBootId());
            }
            try (ActionLock lock = ActionLock.take(config.stateDir(), "shutdown", budget.forWaiting())) {
                session.refresh();
                return shutdown(session, budget);
            }
        }
    }

    private int shutdown(Session session, Deadline budget) throws InterruptedException {
        if (session.state().get().isComplete("shutdown")) {
            Log.info("shutdown: already done in this boot, nothing to do");
            return 0;
        }
        session.state().update(s -> s.begin("shutdown"));
        Log.info("shutdown " + session.host().fqdn() + " within " + Duration.between(Instant.now(),
                budget.end()).toSeconds() + " s" + (options.dryRun ? " [dry run]" : ""));
        List<StepsRunner.Outcome> outcomes = new StepsRunner(session.state(), options.dryRun)
                .run(Plans.shutdown(session, force, budget));
        return Report.exitCode("shutdown", undrainedLeave(outcomes), session, options.dryRun);
    }

    /** A leave after a drain that never succeeded moved nothing first: the last line says so. */
    private static List<StepsRunner.Outcome> undrainedLeave(List<StepsRunner.Outcome> outcomes) {
        boolean left = outcomes.stream().anyMatch(o -> o.step().equals("leave") && o.changed());
        return outcomes.stream()
                .map(o -> left && o.step().equals("drain") && o.status() == StepsRunner.Status.FAILED
                        ? new StepsRunner.Outcome(o.step(), o.status(), o.result(),
                                "left the Swarm undrained, the deadline nearly spent: " + o.error())
                        : o)
                .toList();
    }

    private static boolean isManager(Session s) {
        try {
            return Boolean.TRUE.equals(s.engine().swarm().getControlAvailable());
        } catch (Exception engineDown) {
            return false; // Without its engine a host cannot be a working manager; the steps report the outage.
        }
    }

    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return io.berth.config.Durations.parse(value);
        }
    }
}
