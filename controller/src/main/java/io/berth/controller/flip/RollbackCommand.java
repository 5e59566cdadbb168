package io.berth.controller.flip;

import io.berth.config.BerthConfig;
import io.berth.controller.cli.UsageException;
import io.berth.controller.pool.Fleet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code berth rollback --to A}: a flip back to the old pool, also from a flip that stopped half way. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {
            "Moves the load back to the old pool: a flip in reverse (activates --to, pauses --from, moves, "
                    + "drains --from). --from defaults to the one other pool that is not drained.",
            "Also finishes or undoes a flip that stopped half way: services still carrying berth.flip.original "
                    + "are moved and get their own settings back."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:refused or not done: the last line names what", "2:bad usage or config"})
public final class RollbackCommand implements Callable<Integer> {

    @Mixin
    FlipOptions options;

    @Option(names = "--to", required = true, paramLabel = "POOL", description = "The pool to move the load back to.")
    String to;

    @Option(names = "--from", paramLabel = "POOL",
            description = "The pool the load is on (default: the one other pool that is not drained).")
    String from;

    @Override
    public Integer call() throws Exception {
        BerthConfig config = options.config.load();
        try (Fleet fleet = Fleet.open(config)) {
            String source = from != null ? from : loadedPool(new Swarm(fleet.managers()).nodes(), to);
            return new Flip("rollback", source, to, options).run(config, fleet);
        }
    }

    /** The one pool other than {@code to} with a node that is not drained. */
    static String loadedPool(List<Node> nodes, String to) {
        List<String> pools = nodes.stream().filter(n -> n.pool() != null && !to.equals(n.pool()))
                .filter(n -> !"drain".equals(n.availability())).map(Node::pool).distinct().sorted().toList();
        if (pools.size() != 1) {
            throw new UsageException("--from: " + (pools.isEmpty() ? "no other pool has a node that is not drained"
                    : "pools " + String.join(", ", pools) + " are not drained: say which with --from"));
        }
        return pools.get(0);
    }
}
