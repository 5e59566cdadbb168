package io.berth.controller.flip;

import io.berth.config.BerthConfig;
import io.berth.controller.pool.Fleet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code berth flip --from A --to B}. */
@Command(name = "flip", mixinStandardHelpOptions = true,
        description = {
            "Moves the Swarm's load from one pool to another with no replicated service below its replicas: "
                    + "checks first (managers, the new pool, where every service can go) and changes nothing when "
                    + "a check fails; prints the plan and asks; then, holding the Swarm-wide lock berth-lock: "
                    + "activates --to, pauses --from, moves each replicated service on --from with a forced "
                    + "start-first update (its own update settings put back afterwards), and drains --from, which "
                    + "stays, for a rollback. A rerun after an interruption continues."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (or the dry run's checks passed)", "1:refused or not done: the last line names "
                + "what", "2:bad usage or config"})
public final class FlipCommand implements Callable<Integer> {

    @Mixin
    FlipOptions options;

    @Option(names = "--from", required = true, paramLabel = "POOL", description = "The pool the load is on.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "POOL", description = "The pool to move it to.")
    String to;

    @Override
    public Integer call() throws Exception {
        Flip flip = new Flip("flip", from, to, options);
        BerthConfig config = options.config.load();
        try (Fleet fleet = Fleet.open(config)) {
            return flip.run(config, fleet);
        }
    }
}
