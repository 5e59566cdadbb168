package io.berth.agent.lifecycle;

import io.berth.agent.AgentOptions;
import io.berth.agent.Log;
import io.berth.agent.config.AgentConfig;
import io.berth.agent.dns.DeregisterStep;
import io.berth.agent.retry.Deadline;
import io.berth.agent.swarm.DrainStep;
import io.berth.agent.swarm.LeaveStep;
import io.berth.agent.swarm.RemoveNodeStep;
import io.berth.agent.swarm.WaitTasksStep;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

    @Option(names = "--deadline", paramLabel = "D", converter = DurationConverter.class,
            description = "Bound for the whole command, e.g. 90s or 2m (default: swarm.drainTimeout).")
    Duration deadline;

    @Option(names = "--force", description = "Leave even if this node is a manager (a forced leave can break quorum).")
    boolean force;

    @Override
    public Integer call() throws Exception {
        AgentConfig config = options.load();
        Deadline budget = Deadline.of(deadline != null ? deadline : config.swarm().drainTimeout());
        // A PowerDNS outage must not eat the whole budget in one call.
        Duration dnsRetry = Duration.ofSeconds(Math.max(1, Math.min(10,
                Duration.between(java.time.Instant.now(), budget.end()).toSeconds() / 4)));
        try (Session session = new Session(config, options.dryRun, dnsRetry)) {
            if (!force && isManager(session)) {
                Log.error("shutdown refused: this node is a Swarm manager; leaving could break quorum (use --force)");
                return 1;
            }
            if (!options.dryRun) {
                // Before waiting for the lock: a running `run` sees it, stops healing and lets go of the lock.
                ShutdownMarker.request(config.stateDir(), session.host().kernelBootId());
            }
            try (ActionLock lock = ActionLock.take(config.stateDir(), "shutdown", budget.forStep())) {
                session.refresh();
                return shutdown(session, budget);
            }
        }
    }

    private int shutdown(Session session, Deadline budget) throws InterruptedException {
        if (session.journal().completed("shutdown")) {
            Log.info("shutdown: already done in this boot, nothing to do");
            return 0;
        }
        session.journal().begin("shutdown");
        Log.info("shutdown " + session.host().fqdn() + " within " + Duration.between(java.time.Instant.now(),
                budget.end()).toSeconds() + " s" + (options.dryRun ? " [dry run]" : ""));
        List<StepsRunner.Outcome> outcomes = new StepsRunner(session.journal(), options.dryRun)
                .run(Plans.shutdown(session, force, budget));
        return Report.exitCode("shutdown", outcomes, session, options.dryRun);
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
            return io.berth.agent.config.Durations.parse(value);
        }
    }
}
