package io.berth.controller.pool;

import io.berth.controller.cli.ConfigOption;
import io.berth.controller.cli.Output;
import io.berth.controller.cli.Table;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code berth pool list}. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"Every pool: those berth.yml declares and those whose VMs or nodes exist, with how many "
                + "members are ready, the tasks they run, and how many disagreements there are "
                + "(pool show NAME names them)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:listed", "1:the provider, the Swarm or PowerDNS could not be read", "2:bad usage or config"})
public final class PoolListCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Mixin
    Output output;

    /** One line of the list. */
    public record Summary(String pool, Integer size, int vms, int nodes, int ready, int tasks, List<String> problems) {
    }

    @Override
    public Integer call() throws Exception {
        try (Fleet fleet = Fleet.open(config.load())) {
            List<Summary> summaries = PoolView.readAll(fleet).stream().map(v -> new Summary(v.pool(), v.size(),
                    (int) v.members().stream().filter(m -> m.vm() != null).count(),
                    (int) v.members().stream().filter(m -> m.nodeId() != null).count(),
                    (int) v.members().stream().filter(PoolView.Member::ready).count(),
                    v.members().stream().mapToInt(PoolView.Member::tasks).sum(), v.problems())).toList();
            Table table = new Table("POOL", "SIZE", "VMS", "NODES", "READY", "TASKS", "PROBLEMS");
            summaries.forEach(s -> table.row(s.pool(), s.size(), s.vms(), s.nodes(), s.ready(), s.tasks(),
                    s.problems().size()));
            output.print(summaries, table.toString());
            return 0;
        }
    }
}
