package io.berth.agent;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** berth-agent's entry point. */
@Command(name = "berth-agent", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Registers this worker's DNS record and joins the Swarm at boot; drains, leaves and "
                + "deregisters at shutdown.")
public final class Main {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
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
