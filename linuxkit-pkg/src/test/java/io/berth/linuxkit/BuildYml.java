package io.berth.linuxkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The package's build.yml, read as LinuxKit reads its {@code config}, and turned into the {@code docker run}
 * arguments that grant the same: what the image tests run is what the package declares.
 */
record BuildYml(JsonNode config) {

    static final Path FILE = Path.of("berth-agent/build.yml");
    static final Path ROOTFS = Path.of("berth-agent/target/berth-agent-rootfs.tar");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static BuildYml read() {
        try {
            return new BuildYml(YAML.readTree(FILE.toFile()).required("config"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> strings(String field) {
        List<String> values = new ArrayList<>();
        config.path(field).forEach(v -> values.add(v.asText()));
        return values;
    }

    /** Each bind as {@code [source, target, options]} (options "" when none). */
    List<String[]> binds() {
        return strings("binds").stream().map(b -> {
            String[] parts = b.split(":", 3);
            return new String[] {parts[0], parts[1], parts.length > 2 ? parts[2] : ""};
        }).toList();
    }

    /**
     * {@code docker run} options for build.yml's config; each bind's source is taken from {@code sources} (by
     * target), which must name every one: a test never binds the machine's own paths.
     */
    List<String> dockerRunOptions(Map<String, Path> sources) {
        List<String> args = new ArrayList<>();
        if (config.path("net").asText().equals("host")) args.add("--network=host");
        if (config.path("uts").asText().equals("host")) args.add("--uts=host");
        if (config.path("readonly").asBoolean()) args.add("--read-only");
        args.add("--cap-drop=ALL");
        strings("capabilities").forEach(c -> args.add("--cap-add=" + c.replaceFirst("^CAP_", "")));
        strings("tmpfs").forEach(t -> args.add("--tmpfs=" + t));
        strings("env").forEach(e -> args.add("--env=" + e));
        for (String[] bind : binds()) {
            Path source = sources.get(bind[1]);
            if (source == null) {
                throw new AssertionError("no test source for build.yml's bind of " + bind[1]);
            }
            args.add("--volume=" + source + ":" + bind[1] + (bind[2].isEmpty() ? "" : ":" + bind[2]));
        }
        return args;
    }

    /** build.yml's command with its last argument (the agent's command, {@code run}) replaced. */
    List<String> command(String... agentCommand) {
        List<String> command = new ArrayList<>(strings("command"));
        command.removeLast();
        command.addAll(List.of(agentCommand));
        return command;
    }
}
