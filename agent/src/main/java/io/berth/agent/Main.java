package io.berth.agent;

import io.berth.agent.ansible.FactsCommand;
import io.berth.agent.ansible.ModuleCall;
import io.berth.agent.guestinfo.FetchConfigCommand;
import io.berth.agent.log.Log;
import io.berth.agent.lifecycle.BootCommand;
import io.berth.agent.lifecycle.MeasurePassesCommand;
import io.berth.agent.lifecycle.ShutdownCommand;
import io.berth.agent.run.RunCommand;
import io.berth.agent.run.StatusCommand;
import io.berth.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** berth-agent's entry point. */
@Command(name = "berth-agent", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        subcommands = {BootCommand.class, ShutdownCommand.class, RunCommand.class, StatusCommand.class,
            FetchConfigCommand.class, FactsCommand.class},
        description = {
            "The Berth agent of one Docker Swarm worker. At boot it registers the host's own PowerDNS record "
                    + "and joins the Swarm; at shutdown it drains the node, waits until its tasks run elsewhere, "
                    + "leaves, removes the node and deletes the record.",
            "Configuration: --config PATH, else /etc/berth/agent.yml, else /run/config/berth/agent.yml; "
                    + "BERTH_* environment variables override single keys. On vSphere, fetch-config writes "
                    + "/run/config/berth from the VM's guestinfo.",
            "Ansible: `berth-agent module NAME ARGS_FILE` runs one of its modules (docker_swarm, docker_node, setup, "
                    + "berth_lifecycle) by Ansible's WANT_JSON protocol; the berth.swarm collection's wrappers call it."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the operation failed", "2:bad usage or configuration"})
public final class Main {

    static final int FAILED = 1;
    static final int USAGE = 2;

    /** Set by bench/agent-run only (in JAVA_TOOL_OPTIONS): measure passes instead of the command line. */
    static final String MEASURE_PASSES = "berth.measurePasses";

    /**
     * The command line; or, in the build's AOT training run or a benchmark's pass measurement only (system
     * properties, not commands a user sees), that run.
     */
    public static void main(String[] args) {
        if (AotTraining.requested()) {
            System.exit(AotTraining.train());
        }
        if (args.length > 0 && args[0].equals("module")) {
            System.exit(ModuleCall.main(args)); // one JVM per Ansible task: no picocli on this path
        }
        if (Boolean.getBoolean(MEASURE_PASSES)) {
            System.exit(run(new MeasurePassesCommand(), args));
        }
        System.exit(execute(args));
    }

    /** Runs one command line; exit codes: 0 done, 1 failed, 2 bad usage or config. */
    public static int execute(String... args) {
        return run(new Main(), args);
    }

    /** One command object's command line, with one-line errors and the exit codes above (tests pass their own). */
    public static int run(Object command, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler((error, line, parsed) -> {
            if (error instanceof ConfigException config) {
                Log.error(config.getMessage());
                return USAGE;
            }
            Log.error(line.getCommandName() + " failed: " + Log.oneLine(error));
            return FAILED;
        });
        return cli.execute(args);
    }

    /** The version Maven wrote into the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"berth-agent " + (version == null ? "dev" : version)};
        }
    }
}
