package io.berth.agent.lifecycle;

import io.berth.agent.cli.AgentOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

    @Mixin
    AgentOptions options;

    @Option(names = "--take-over",
            description = "Replace a record another host's agent marked as its own (after a host was renamed).")
    boolean takeOver;

    @Override
    public Integer call() throws Exception {
        return Report.exitCode(HostActions.boot(options.load(), options.dryRun, takeOver), options.dryRun);
    }
}
