package io.berth.agent.lifecycle;

import io.berth.agent.state.ShutdownMarker;
import io.berth.agent.state.ActionLock;
import io.berth.agent.cli.AgentOptions;
import io.berth.agent.log.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import io.berth.agent.step.StepsRunner;
import io.berth.config.AgentConfig;

/** berth-agent boot: register this host's record and join the Swarm. */
@Command(name = "boot", mixinStandardHelpOptions = true,
        description = {
            "Waits for the local engine, registers this host's A record (and PTR) in PowerDNS, joins the Swarm "
                    + "as a worker (held drained when swarm.activateWhenReady), labels its node, removes its own "
                    + "stale Down node, and activates it once its record resolves and the node is Ready.",
            "Every step checks first: a rerun changes nothing and says so."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every step done", "1:a step failed (the others still ran)", "2:bad usage or config"})
public final class BootCommand implements Callable<Integer> {

    /** How long boot waits for the local engine to answer. */
    static final Duration ENGINE_WAIT = Duration.ofSeconds(60);
    /** How long boot waits for its record to resolve and its node to be Ready before activating. */
    static final Duration READY_WAIT = Duration.ofSeconds(60);

    @Mixin
    AgentOptions options;

    @Option(names = "--take-over",
            description = "Replace a record another host's agent marked as its own (after a host was renamed).")
    boolean takeOver;

    @Override
    public Integer call() throws Exception {
        AgentConfig config = options.load();
        try (ActionLock lock = ActionLock.take(config.stateDir(), "boot", Instant.now().plus(ENGINE_WAIT));
             Session session = new Session(config, options.dryRun, Duration.ofSeconds(10))) {
            session.engine().awaitUp(Instant.now().plus(ENGINE_WAIT));
            if (!options.dryRun) {
                ShutdownMarker.clear(config.stateDir()); // a new life: a shutdown of the last one no longer stands
            }
            session.state().update(s -> s.begin("boot"));
            Log.info("boot " + session.host().fqdn() + " at " + session.host().address()
                    + " (identity " + session.host().identity() + ")" + (options.dryRun ? " [dry run]" : ""));
            List<StepsRunner.Outcome> outcomes = new StepsRunner(session.state(), options.dryRun)
                    .run(Plans.boot(session, takeOver, Instant.now().plus(READY_WAIT)));
            return Report.exitCode("boot", outcomes, session, options.dryRun);
        }
    }
}
