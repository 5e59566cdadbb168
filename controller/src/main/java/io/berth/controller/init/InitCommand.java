package io.berth.controller.init;

import io.berth.agent.log.Log;
import io.berth.config.BerthConfigLoader;
import io.berth.controller.cli.UsageException;
import io.berth.controller.provider.lab.LabScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth init --lab [NAME]}: a working berth.yml for a running lab, what a new user does first. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Writes a berth.yml for a running lab (lab up): its managers and PowerDNS, the agent "
                + "configuration every clone gets, pools blue and green of 3, and the lab as the provider. "
                + "It refuses to overwrite a file unless --force; what it writes is validated first."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:written", "1:the lab could not be read", "2:bad usage, or the file exists"})
public final class InitCommand implements Callable<Integer> {

    @Option(names = "--lab", paramLabel = "NAME", arity = "0..1", fallbackValue = "", required = true,
            description = "The running lab (default: the only one).")
    String lab;

    @Option(names = {"-c", "--config"}, paramLabel = "PATH", defaultValue = "berth.yml",
            description = "Where to write it (default: ./${DEFAULT-VALUE}).")
    Path path;

    @Option(names = "--force", description = "Overwrite an existing file.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(path) && !force) {
            throw new UsageException(path + ": exists; add --force to overwrite it");
        }
        Map<String, String> env = LabScript.env(lab.isEmpty() ? null : lab);
        String yaml = render(env, LabScript.bundledAgent());
        // Validated before it replaces anything: a berth.yml that berth itself would refuse is never written.
        Path dir = path.toAbsolutePath().getParent();
        Path draft = Files.createTempFile(dir, ".berth", ".yml");
        try {
            Files.writeString(draft, yaml);
            BerthConfigLoader.load(draft);
            Files.move(draft, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(draft);
        }
        Log.info("wrote " + path + " for lab " + env.get("LAB_NAME") + ": pools blue and green; next: berth pool create blue");
        return 0;
    }

    static String render(Map<String, String> env, Path agent) {
        boolean tls = Boolean.parseBoolean(env.get("LAB_TLS"));
        String managersApi = list(env.get("LAB_MANAGERS_API"));
        String tlsBlock = tls ? "  tls: {ca: " + env.get("LAB_TLS_CA") + ", cert: " + env.get("LAB_TLS_CERT")
                + ", key: " + env.get("LAB_TLS_KEY") + "}\n" : "  insecure: true\n";
        return "# berth.yml for lab " + env.get("LAB_NAME") + " (written by berth init --lab)\n"
                + "managers:\n"
                + "  api: " + managersApi + "\n"
                + tlsBlock
                + "dns:\n"
                + "  api: " + env.get("LAB_PDNS_API") + "\n"
                + "  keyFile: " + env.get("LAB_PDNS_KEY_FILE") + "\n"
                + "  serverId: " + env.get("LAB_PDNS_SERVER_ID") + "\n"
                + "  zone: " + env.get("LAB_ZONE") + "\n"
                + "  reverseZone: " + env.get("LAB_REVERSE_ZONE") + "\n"
                + "# What every VM's agent gets (the agent's own schema; its files are read here and handed over).\n"
                + "agent:\n"
                + "  dns:\n"
                + "    api: " + env.get("LAB_PDNS_API") + "\n"
                + "    apiKeyFile: " + env.get("LAB_PDNS_KEY_FILE") + "\n"
                + "    zone: " + env.get("LAB_ZONE") + "\n"
                + "    reverseZone: " + env.get("LAB_REVERSE_ZONE") + "\n"
                + "    nameserver: " + env.get("LAB_NAMESERVER") + "\n"
                + "  swarm:\n"
                + "    joinAddrs: " + list(env.get("LAB_JOIN_ADDRS")) + "\n"
                + "    joinTokenFile: " + env.get("LAB_JOIN_TOKEN_FILE") + "\n"
                + "    managerApi: " + managersApi + "\n"
                + (tls ? "  " + tlsBlock : "    insecure: true\n")
                + "    drainTimeout: 60s\n"
                + "  reconcile: {interval: 10s}\n"
                + "pools:\n"
                + "  blue: {size: 3}\n"
                + "  green: {size: 3}\n"
                + "provider:\n"
                + "  lab: {name: " + env.get("LAB_NAME") + ", agent: " + agent + "}\n";
    }

    private static String list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
