package io.berth.agent.lifecycle;

import io.berth.agent.cli.AgentOptions;
import io.berth.agent.retry.Deadline;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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

    @Option(names = "--deadline", paramLabel = "D", converter = DurationConverter.class,
            description = "Bound for the whole command, e.g. 90s or 2m (default: swarm.drainTimeout).")
    Duration deadline;

    @Option(names = "--force", description = "Leave even if this node is a manager (a forced leave can break quorum).")
    boolean force;

    @Override
    public Integer call() throws Exception {
        AgentConfig config = options.load();
        Deadline budget = Deadline.of(deadline != null ? deadline : config.swarm().drainTimeout());
        HostActions.Done done = HostActions.shutdown(config, options.dryRun, force, budget);
        return Report.exitCode(done.refused().isPresent() ? done : undrainedLeave(done), options.dryRun);
    }

    /** A leave after a drain that never succeeded moved nothing first: the last line says so. */
    private static HostActions.Done undrainedLeave(HostActions.Done done) {
        boolean left = done.outcomes().stream().anyMatch(o -> o.step().equals("leave") && o.changed());
        return new HostActions.Done(done.action(), done.outcomes().stream()
                .map(o -> left && o.step().equals("drain") && o.status() == StepsRunner.Status.FAILED
                        ? new StepsRunner.Outcome(o.step(), o.status(), o.result(),
                                "left the Swarm undrained, the deadline nearly spent: " + o.error())
                        : o)
                .toList(), done.refused(), done.calls());
    }

    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return io.berth.config.Durations.parse(value);
        }
    }
}
