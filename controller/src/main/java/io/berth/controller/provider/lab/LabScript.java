package io.berth.controller.provider.lab;

import io.berth.controller.cli.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** What berth asks of the lab outside the provider: a lab's env (for {@code berth init --lab}), the bundled agent. */
public final class LabScript {

    private LabScript() {
    }

    /** {@code lab env}: the lab's KEY=value facts. {@code lab} null: the only lab there is. */
    public static Map<String, String> env(String lab) {
        return LabProvider.env(LabProvider.installedLabScript(), lab, null);
    }

    /** berth-agent as this build has it: agent/target/berth-agent beside the lab script's checkout. */
    public static Path bundledAgent() {
        Path agent = LabProvider.installedLabScript().getParent().getParent().resolve("agent/target/berth-agent");
        if (!Files.isExecutable(agent)) {
            throw new UsageException("provider.lab.agent: no berth-agent at " + agent + ": build it, or name it");
        }
        return agent;
    }
}
