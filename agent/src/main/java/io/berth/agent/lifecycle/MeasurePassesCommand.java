package io.berth.agent.lifecycle;

import io.berth.agent.cli.AgentOptions;
import io.berth.agent.log.Log;
import io.berth.agent.state.ActionLock;
import io.berth.agent.step.StepsRunner;
import io.berth.config.AgentConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * For benchmarks only (not a command: bench/agent-run starts it with {@code -Dberth.measurePasses=true}): what one pass of {@code run} costs. In one session, as the daemon holds it, a
 * first thorough pass (the daemon's first: it also scans for a stale node), then one thorough and one quick pass,
 * each printed on stdout with its own requests and response bytes. Stop {@code run} first: a pass here holds the
 * lock as the daemon's do.
 */
@Command(name = "measure-passes",
        description = "Benchmarks only: run a first pass, then a thorough and a quick one, with their costs.")
public final class MeasurePassesCommand implements Callable<Integer> {

    /** As the daemon's: how long a pass waits for its record to resolve and its node to be Ready. */
    static final Duration READY_WAIT = Duration.ofSeconds(30);

    @Mixin
    AgentOptions options;

    @Override
    public Integer call() throws Exception {
        AgentConfig config = options.load();
        boolean ok = true;
        try (Session session = new Session(config, options.dryRun, Duration.ofSeconds(10))) {
            for (String kind : List.of("first", "thorough", "quick")) {
                Session.Calls before = session.counted();
                try (ActionLock lock = ActionLock.take(config.stateDir(), "measure-passes",
                        Instant.now().plusSeconds(10))) {
                    session.refresh();
                    List<StepsRunner.Outcome> outcomes = new StepsRunner(session.state(), options.dryRun)
                            .run(Plans.boot(session, false, Instant.now().plus(READY_WAIT), !kind.equals("quick")));
                    long changed = outcomes.stream().filter(StepsRunner.Outcome::changed).count();
                    boolean passed = outcomes.stream().allMatch(o -> o.status() == StepsRunner.Status.OK);
                    ok &= passed;
                    System.out.println("pass " + kind + ": " + (passed ? "ok" : "FAILED") + ", " + changed
                            + " changed; " + session.counted().since(before));
                }
            }
        }
        Log.info("measure-passes: " + (ok ? "every pass succeeded" : "a pass failed"));
        return ok ? 0 : 1;
    }
}
