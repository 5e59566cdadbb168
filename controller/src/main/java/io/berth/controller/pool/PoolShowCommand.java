package io.berth.controller.pool;

import io.berth.controller.cli.ConfigOption;
import io.berth.controller.cli.Output;
import io.berth.controller.cli.Table;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code berth pool show NAME}. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"One pool, member by member: its VM (from the provider), its Swarm node (state, "
                + "availability, running tasks) and its A record (from PowerDNS), then every disagreement: "
                + "a VM without a node, a node without a VM, a record that points elsewhere, a stale node."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:shown", "1:the provider, the Swarm or PowerDNS could not be read", "2:bad usage or config"})
public final class PoolShowCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Mixin
    Output output;

    @Parameters(paramLabel = "NAME", description = "The pool.")
    String pool;

    @Override
    public Integer call() throws Exception {
        try (Fleet fleet = Fleet.open(config.load())) {
            PoolView view = PoolView.read(fleet, pool);
            Table table = new Table("NAME", "VM", "ADDRESS", "NODE", "STATE", "AVAILABILITY", "TASKS", "RECORD");
            view.members().forEach(m -> table.row(m.name(), m.vm(), m.address(), m.nodeId(), m.nodeState(),
                    m.availability(), m.tasks(), m.record()));
            StringBuilder text = new StringBuilder("pool " + view.pool()
                    + (view.size() == null ? " (not in berth.yml)" : ", size " + view.size()) + "\n");
            text.append(view.members().isEmpty() ? "no VMs, no nodes\n" : table.toString());
            view.problems().forEach(p -> text.append("! ").append(p).append('\n'));
            output.print(view, text.toString());
            return 0;
        }
    }
}
