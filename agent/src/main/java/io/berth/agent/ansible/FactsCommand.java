package io.berth.agent.ansible;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.agent.state.StateFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** berth-agent facts: this host's facts under Ansible's names, or the local fact file that serves them to Ansible. */
@Command(name = "facts", mixinStandardHelpOptions = true,
        description = {
            "Prints this host's facts with the names, shapes and placeholders (\"NA\") of Ansible's setup module: "
                    + "ansible_hostname, ansible_default_ipv4, ansible_memtotal_mb, … and ansible_local.berth (the "
                    + "agent's record, node and journal). The same facts as the berth.swarm.setup module.",
            "--install writes DIR/berth.fact (default /etc/ansible/facts.d), an executable local fact: on a host with "
                    + "Python, Ansible's own setup then shows ansible_local.berth."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the fact file could not be written", "2:bad usage or configuration"})
public final class FactsCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Set by the launcher: the path a fact file runs (a JVM cannot know the script that started it). */
    static final String LAUNCHER_PROPERTY = "berth.launcher";

    @Option(names = "--config", paramLabel = "PATH",
            description = "Configuration file (optional here). Default: /etc/berth/agent.yml, else "
                    + "/run/config/berth/agent.yml, else none: host facts only, local facts from the defaults.")
    Path config;

    @Option(names = "--json", description = "One JSON object (the default output is one line per fact).")
    boolean json;

    @Option(names = "--local", description = "Only ansible_local.berth's content, as JSON (what berth.fact prints).")
    boolean local;

    @Option(names = "--install", description = "Write the local fact file instead of printing facts.")
    boolean install;

    @Option(names = "--fact-dir", paramLabel = "DIR", defaultValue = "/etc/ansible/facts.d",
            description = "Where --install writes berth.fact (default: ${DEFAULT-VALUE}).")
    Path factDir;

    @Override
    public Integer call() throws Exception {
        Optional<Path> path = Optional.ofNullable(config);
        if (install) {
            return install(path);
        }
        if (local) {
            System.out.println(JSON.writeValueAsString(AgentFacts.local(path, AgentFacts.configured(path).isPresent())));
            return 0;
        }
        Map<String, Object> facts = AgentFacts.gather(path);
        if (json) {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(facts));
        } else {
            for (Map.Entry<String, Object> fact : facts.entrySet()) {
                System.out.println(fact.getKey() + " = " + JSON.writeValueAsString(fact.getValue()));
            }
        }
        return 0;
    }

    private int install(Optional<Path> path) throws Exception {
        AgentFacts.configured(path); // a bad configuration fails here, not in every later setup run
        String launcher = System.getProperty(LAUNCHER_PROPERTY, "berth-agent");
        String script = "#!/bin/sh\n# Written by berth-agent facts --install: ansible_local.berth\nexec " + quote(launcher)
                + " facts --local" + path.map(p -> " --config " + quote(p.toAbsolutePath().toString())).orElse("") + "\n";
        Files.createDirectories(factDir);
        Path file = factDir.resolve("berth.fact");
        StateFile.write(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.out.println("wrote " + file);
        return 0;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
