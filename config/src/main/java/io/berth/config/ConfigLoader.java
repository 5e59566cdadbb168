package io.berth.config;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** Reads berth-agent's YAML configuration, applies {@code BERTH_*} environment overrides, and validates the result. */
public final class ConfigLoader {

    /** Where the configuration is looked for, in order, when no --config is given. */
    public static final List<Path> DEFAULT_PATHS =
            List.of(Path.of("/etc/berth/agent.yml"), Path.of("/run/config/berth/agent.yml"));

    public static final URI DEFAULT_ENGINE = URI.create("unix:///var/run/docker.sock");
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/berth");

    private ConfigLoader() {
    }

    /** Whether the files the config names (secrets, TLS files) are checked, or only their paths' form. */
    enum NamedFiles { CHECKED, UNOPENED }

    /** Reads the file {@link #locate} finds, overrides keys from {@code env}'s BERTH_* variables, and validates. */
    public static AgentConfig load(Optional<Path> explicitPath, Map<String, String> env) {
        return parse(read(locate(explicitPath)), env);
    }

    /**
     * What {@code status} needs, from the same file and variables, validated as {@link #load} does except that no
     * file the config names is looked at: the secret files (API key, join token, TLS key, API token) and the TLS
     * files need only be well-formed paths. A user who may not read them can still ask for status.
     */
    public static StatusConfig loadForStatus(Optional<Path> explicitPath, Map<String, String> env) {
        return parseForStatus(read(locate(explicitPath)), env);
    }

    /** A configuration file's text; berth.yml is read the same way. */
    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("config", "cannot read " + file + ": " + Rules.reason(e));
        }
    }

    /** The --config path if given, else the first of /etc/berth/agent.yml and /run/config/berth/agent.yml that exists. */
    public static Path locate(Optional<Path> explicitPath) {
        return locate(explicitPath, DEFAULT_PATHS);
    }

    static Path locate(Optional<Path> explicitPath, List<Path> defaults) {
        if (explicitPath.isPresent()) {
            Path file = explicitPath.get();
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("config", "no such file: " + file);
            }
            return file;
        }
        return defaults.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() -> new ConfigException(
                "config", "no configuration file: none of " + defaults + " exists, and no --config PATH was given"));
    }

    /** Validates {@code yaml} with {@code env}'s overrides; secret files are checked on the real file system. */
    static AgentConfig parse(String yaml, Map<String, String> env) {
        return parse(yaml, env, NamedFiles.CHECKED);
    }

    /** As {@link #parse(String, Map)}, opening none of the files the config names; keeps only what status needs. */
    static StatusConfig parseForStatus(String yaml, Map<String, String> env) {
        // The whole config is built, so it is validated as strictly; it must not leave here with unchecked files.
        AgentConfig unchecked = parse(yaml, env, NamedFiles.UNOPENED);
        return new StatusConfig(unchecked.api().listen(), unchecked.stateDir());
    }

    static AgentConfig parse(String yaml, Map<String, String> env, NamedFiles files) {
        Map<String, Value> values = new HashMap<>();
        Set<String> sections = new HashSet<>();
        flatten("", Yaml.root(yaml), values, sections);
        applyEnv(env, values, sections);
        return build(new Values(values, sections), files);
    }

    /**
     * An agent configuration held in another file (berth.yml's {@code agent:}): the same keys and checks, the files
     * it names checked, no environment; a key in {@code refused} is an error saying {@code why}. Fields are named
     * within the section ({@code dns.zone}): the caller puts its own prefix in front.
     */
    static AgentConfig parseSection(Map<String, Object> section, List<String> refused, String why) {
        Map<String, Value> values = new HashMap<>();
        Set<String> sections = new HashSet<>();
        flatten("", section, values, sections);
        for (String path : refused) {
            if (values.containsKey(path)) {
                throw new ConfigException(path, why);
            }
        }
        return build(new Values(values, sections), NamedFiles.CHECKED);
    }

    private static AgentConfig build(Values v, NamedFiles files) {
        boolean check = files == NamedFiles.CHECKED;
        Function<String, Path> secretFile = check ? Rules::apiKeyFile : Rules::path;
        Function<String, Path> joinToken = check ? Rules::joinTokenFile : Rules::path;
        Function<String, Path> tlsFile = check ? Rules::readableFile : Rules::path;
        var host = new AgentConfig.Host(
                v.optional("host.name", Rules::hostName),
                v.optional("host.address", Rules::ipv4));

        URI api = v.required("dns.api", Rules::apiUrl);
        var dns = new AgentConfig.Dns(
                api,
                v.required("dns.apiKeyFile", secretFile),
                v.optional("dns.serverId", Rules::serverId).orElse("localhost"),
                v.required("dns.zone", Rules::zone),
                v.optional("dns.reverseZone", Rules::reverseZone),
                v.optional("dns.nameserver", s -> Rules.hostPort(s, 53)).orElseGet(() -> Rules.defaultNameserver(api)),
                v.optional("dns.ttl", s -> Rules.number(s, 1, Integer.MAX_VALUE)).orElse(60),
                v.optional("dns.owner", Rules::owner).orElse("berth"));

        URI engine = v.optional("swarm.engine", Rules::dockerEndpoint).orElse(DEFAULT_ENGINE);
        List<AgentConfig.HostPort> joinAddrs = v.list("swarm.joinAddrs", s -> Rules.hostPort(s, 2377));
        Path joinTokenFile = v.required("swarm.joinTokenFile", joinToken);
        List<URI> managerApi = v.list("swarm.managerApi", Rules::dockerEndpoint);
        // A tls: mapping, even an empty one, or any BERTH_SWARM_TLS_* asks for TLS: then all three files are needed.
        Optional<AgentConfig.Tls> tls = v.sections().contains("swarm.tls")
                ? Optional.of(new AgentConfig.Tls(
                        v.required("swarm.tls.ca", tlsFile),
                        v.required("swarm.tls.cert", tlsFile),
                        v.required("swarm.tls.key", tlsFile)))
                : Optional.empty();
        boolean insecure = v.optional("swarm.insecure", Rules::bool).orElse(false);
        // Checked here as well as in Swarm, so that the message names the variable and comes before later keys'.
        Rules.check("swarm.managerApi", v.variable("swarm.managerApi"),
                () -> Rules.plainTcp("swarm", managerApi, tls.isPresent(), insecure));
        var swarm = new AgentConfig.Swarm(engine, joinAddrs, joinTokenFile, managerApi, tls, insecure,
                v.map("swarm.labels", Rules::labels).orElse(Map.of()),
                v.optional("swarm.activateWhenReady", Rules::bool).orElse(true),
                v.optional("swarm.drainTimeout", Rules::duration).orElse(Duration.ofSeconds(120)));

        var reconcile = new AgentConfig.Reconcile(
                v.optional("reconcile.interval", Rules::duration).orElse(Duration.ofSeconds(30)));
        var httpApi = new AgentConfig.Api(
                v.optional("api.listen", s -> Rules.hostPort(s, 9813)).orElse(new AgentConfig.HostPort("127.0.0.1", 9813)),
                v.optional("api.tokenFile", secretFile));

        Path stateDir = v.optional("stateDir", Rules::absolutePath).orElse(DEFAULT_STATE_DIR);
        return new AgentConfig(host, dns, swarm, reconcile, httpApi, stateDir);
    }

    // ---- YAML and environment into one map of raw values ----

    /** A key's raw value (a String, List of String or Map of String) and the variable it came from, or null. */
    private record Value(Object raw, String variable) {
    }

    /** Checks keys and shapes against the schema and collects the leaves by path; a null value counts as absent. */
    private static void flatten(String prefix, Map<String, Object> map, Map<String, Value> values, Set<String> sections) {
        map.forEach((name, node) -> {
            String path = prefix.isEmpty() ? name : prefix + "." + name;
            if (name.contains(".")) {
                throw new ConfigException(path, "unknown key"); // "dns.zone: x" at the top is no way to say dns: {zone: x}
            }
            Optional<ConfigKey> key = ConfigKeys.byPath(path);
            if (key.isPresent()) {
                if (node != null) {
                    values.put(path, new Value(shape(key.get(), node), null));
                }
            } else if (ConfigKeys.isSection(path)) {
                if (node != null) {
                    sections.add(path);
                    flatten(path, Yaml.mapping(path, node), values, sections);
                }
            } else {
                throw new ConfigException(path, "unknown key");
            }
        });
    }

    private static Object shape(ConfigKey key, Object node) {
        return switch (key.kind()) {
            case SCALAR -> Yaml.scalar(key.path(), node);
            case LIST -> {
                List<String> items = new ArrayList<>();
                for (Object item : Yaml.list(key.path(), node)) {
                    items.add(Yaml.scalar(key.path() + "[" + items.size() + "]", item));
                }
                yield items;
            }
            case MAP -> {
                Map<String, String> entries = new LinkedHashMap<>();
                Yaml.mapping(key.path(), node).forEach((k, v) -> entries.put(k, Yaml.scalar(key.path() + "." + k, v)));
                yield entries;
            }
        };
    }

    /** Each BERTH_* variable replaces one key, present in the file or not; a BERTH_* that names no key is a mistake. */
    private static void applyEnv(Map<String, String> env, Map<String, Value> values, Set<String> sections) {
        for (String variable : new TreeSet<>(env.keySet())) { // sorted: the same mistake is reported first every time
            if (!variable.startsWith(ConfigKeys.ENV_PREFIX)) {
                continue;
            }
            ConfigKey key = ConfigKeys.byVariable(variable)
                    .orElseThrow(() -> new ConfigException(variable, "unknown variable"));
            values.put(key.path(), new Value(fromEnv(key, variable, env.get(variable)), variable));
            sections.addAll(ConfigKeys.parents(key.path()));
        }
    }

    private static Object fromEnv(ConfigKey key, String variable, String text) {
        return switch (key.kind()) {
            case SCALAR -> text.strip();
            case LIST -> items(text);
            case MAP -> {
                Map<String, String> entries = new LinkedHashMap<>();
                for (String item : items(text)) {
                    int eq = item.indexOf('=');
                    if (eq < 0) {
                        throw new ConfigException(key.path(), variable, "expected key=value, got " + quote(item));
                    }
                    entries.put(item.substring(0, eq).strip(), item.substring(eq + 1).strip());
                }
                yield entries;
            }
        };
    }

    private static List<String> items(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    // ---- raw values into validated ones ----

    /** The merged raw values, read key by key; {@code sections} are the mappings present in the file or the env. */
    private record Values(Map<String, Value> values, Set<String> sections) {

        <T> Optional<T> optional(String path, Function<String, T> parse) {
            Value value = values.get(path);
            return value == null ? Optional.empty()
                    : Optional.of(Rules.at(path, value.variable(), () -> parse.apply((String) value.raw())));
        }

        <T> T required(String path, Function<String, T> parse) {
            return optional(path, parse).orElseThrow(() -> new ConfigException(path, "required"));
        }

        /** A required, non-empty list; an item's error names its index. */
        <T> List<T> list(String path, Function<String, T> parse) {
            Value value = values.get(path);
            if (value == null) {
                throw new ConfigException(path, "required");
            }
            @SuppressWarnings("unchecked") // a LIST key's raw value
            List<String> raw = (List<String>) value.raw();
            if (raw.isEmpty()) {
                throw new ConfigException(path, value.variable(), "must not be empty");
            }
            List<T> parsed = new ArrayList<>();
            for (String item : raw) {
                parsed.add(Rules.at(path + "[" + parsed.size() + "]", value.variable(), () -> parse.apply(item)));
            }
            return List.copyOf(parsed);
        }

        /** An optional mapping, checked as a whole. */
        Optional<Map<String, String>> map(String path, UnaryOperator<Map<String, String>> parse) {
            Value value = values.get(path);
            @SuppressWarnings("unchecked") // a MAP key's raw value
            Map<String, String> raw = value == null ? null : (Map<String, String>) value.raw();
            return value == null ? Optional.empty()
                    : Optional.of(Rules.at(path, value.variable(), () -> parse.apply(raw)));
        }

        String variable(String path) {
            Value value = values.get(path);
            return value == null ? null : value.variable();
        }
    }

    /** Whether {@code label} is one DNS label as every name here must be made of: 1-63 of [a-z0-9_-], no '-' at an end. */
    public static boolean isDnsLabel(String label) {
        return Rules.DNS_LABEL.matcher(label).matches();
    }

    /** {@code s} quoted, escaped and cut short, so that any value fits a one-line message. */
    public static String quote(String s) {
        return Rules.quote(s);
    }
}
