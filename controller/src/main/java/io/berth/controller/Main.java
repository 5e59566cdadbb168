package io.berth.controller;

import io.berth.agent.log.Log;
import io.berth.config.ConfigException;
import io.berth.controller.cli.UsageException;
import io.berth.controller.flip.FlipCommand;
import io.berth.controller.flip.RollbackCommand;
import io.berth.controller.gc.GcCommand;
import io.berth.controller.init.InitCommand;
import io.berth.controller.inventory.InventoryCommand;
import io.berth.controller.pool.PoolCommand;
import io.berth.controller.status.StatusCommand;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** berth's entry point: one-line errors and three exit codes, whatever fails. */
@Command(name = "berth", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        subcommands = {InitCommand.class, PoolCommand.class, FlipCommand.class, RollbackCommand.class,
            StatusCommand.class, GcCommand.class, InventoryCommand.class},
        description = {
            "Blue-green pools of Docker Swarm workers: clones a pool of worker VMs beside the old one, "
                    + "moves the load, keeps the old pool for rollback, then destroys it.",
            "",
            "berth keeps no state of its own: every command reads the VMs from the provider, the nodes from "
                    + "the Swarm's managers and the records from PowerDNS, as berth.yml names them. A pool is "
                    + "the VMs and nodes that carry its name (node label berth.pool), whoever made them."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failed: the last line names what is not done",
            "2:bad usage or configuration"})
public final class Main {

    public static final int DONE = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((error, line) -> {
            System.err.println("berth: " + Log.oneLine(error));
            List<String> words = new ArrayList<>(List.of("berth"));
            words.addAll(commandPath(error.getCommandLine()));
            System.err.println("Try '" + String.join(" ", words) + " --help' for more.");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((error, line, parsed) -> {
            if (error instanceof ConfigException || error instanceof UsageException) {
                System.err.println("berth: " + Log.oneLine(error));
                return USAGE;
            }
            System.err.println("berth: " + line.getCommandName() + " failed: " + Log.oneLine(error));
            return FAILED;
        });
        return cli.execute(args);
    }

    private static java.util.List<String> commandPath(CommandLine line) {
        java.util.LinkedList<String> names = new java.util.LinkedList<>();
        for (CommandLine c = line; c != null && c.getParent() != null; c = c.getParent()) {
            names.addFirst(c.getCommandName());
        }
        return names;
    }

    /** The version Maven wrote into the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"berth " + (version == null ? "dev" : version)};
        }
    }
}
