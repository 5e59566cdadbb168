package io.berth.config;

import static io.berth.config.ConfigLoader.Kind.LIST;
import static io.berth.config.ConfigLoader.Kind.MAP;
import static io.berth.config.ConfigLoader.Kind.SCALAR;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.stream.Collectors.toMap;
import static java.util.stream.Collectors.toSet;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/** Reads berth-agent's YAML configuration, applies {@code BERTH_*} environment overrides, and validates the result. */
public final class ConfigLoader {

    /** Where the configuration is looked for, in order, when no --config is given. */
    static final List<Path> DEFAULT_PATHS =
            List.of(Path.of("/etc/berth/agent.yml"), Path.of("/run/config/berth/agent.yml"));

    private static final String ENV_PREFIX = "BERTH_";

    /** What a key holds: in YAML a scalar, a list or a mapping; in its variable {@code v}, {@code a,b} or {@code k=v,k=v}. */
    enum Kind { SCALAR, LIST, MAP }

    /** One leaf of the YAML tree; its environment variable is derived from its path. */
    private record Key(String path, Kind kind) {
        /** {@code dns.apiKeyFile} → {@code BERTH_DNS_API_KEY_FILE}. */
        String variable() {
            return ENV_PREFIX + path.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
        }
    }

    /** The schema: every YAML key and so every BERTH_* variable there is. A new key is one line here, read in build(). */
    private static final List<Key> KEYS = List.of(
            new Key("host.name", SCALAR),
            new Key("host.address", SCALAR),
            new Key("dns.api", SCALAR),
            new Key("dns.apiKeyFile", SCALAR),
            new Key("dns.serverId", SCALAR),
            new Key("dns.zone", SCALAR),
            new Key("dns.reverseZone", SCALAR),
            new Key("dns.nameserver", SCALAR),
            new Key("dns.ttl", SCALAR),
            new Key("dns.owner", SCALAR),
            new Key("swarm.engine", SCALAR),
            new Key("swarm.joinAddrs", LIST),
            new Key("swarm.joinTokenFile", SCALAR),
            new Key("swarm.managerApi", LIST),
            new Key("swarm.tls.ca", SCALAR),
            new Key("swarm.tls.cert", SCALAR),
            new Key("swarm.tls.key", SCALAR),
            new Key("swarm.insecure", SCALAR),
            new Key("swarm.labels", MAP),
            new Key("swarm.activateWhenReady", SCALAR),
            new Key("swarm.drainTimeout", SCALAR),
            new Key("reconcile.interval", SCALAR),
            new Key("api.listen", SCALAR),
            new Key("api.tokenFile", SCALAR),
            new Key("stateDir", SCALAR));

    private static final Map<String, Key> BY_PATH = KEYS.stream().collect(toMap(Key::path, k -> k));
    // toMap throws on a duplicate, so two keys can never end up sharing a variable.
    private static final Map<String, Key> BY_VARIABLE = KEYS.stream().collect(toMap(Key::variable, k -> k));
    /** The mappings that hold the keys: host, dns, swarm, swarm.tls. */
    private static final Set<String> SECTIONS =
            KEYS.stream().flatMap(k -> parents(k.path()).stream()).collect(toSet());

    private static final URI DEFAULT_ENGINE = URI.create("unix:///var/run/docker.sock");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern JOIN_TOKEN = Pattern.compile("SWMTKN-1-[0-9a-z]+-[0-9a-z]+");
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9._-]{1,40}");
    private static final Pattern SERVER_ID = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern LABEL_KEY = Pattern.compile("[a-z0-9]([a-z0-9._-]*[a-z0-9])?");

    private static final YAMLFactory YAML = new YAMLFactory();
    /** Enough for any sane value; a pasted blob would drown the message. */
    private static final int QUOTE_LIMIT = 100;

    private ConfigLoader() {
    }

    /** Whether the files the config names (secrets, TLS files) are checked, or only their paths' form. */
    private enum NamedFiles { CHECKED, UNOPENED }

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

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("config", "cannot read " + file + ": " + reason(e));
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

    private static AgentConfig parse(String yaml, Map<String, String> env, NamedFiles files) {
        Map<String, Value> values = new HashMap<>();
        Set<String> sections = new HashSet<>();
        flatten("", root(readYaml(yaml)), values, sections);
        applyEnv(env, values, sections);
        return build(new Values(values, sections), files);
    }

    private static AgentConfig build(Values v, NamedFiles files) {
        boolean check = files == NamedFiles.CHECKED;
        Function<String, Path> secretFile = check ? ConfigLoader::apiKeyFile : ConfigLoader::path;
        Function<String, Path> joinToken = check ? ConfigLoader::joinTokenFile : ConfigLoader::path;
        Function<String, Path> tlsFile = check ? ConfigLoader::readableFile : ConfigLoader::path;
        var host = new AgentConfig.Host(
                v.optional("host.name", ConfigLoader::hostName),
                v.optional("host.address", ConfigLoader::ipv4));

        URI api = v.required("dns.api", ConfigLoader::apiUrl);
        var dns = new AgentConfig.Dns(
                api,
                v.required("dns.apiKeyFile", secretFile),
                v.optional("dns.serverId", ConfigLoader::serverId).orElse("localhost"),
                v.required("dns.zone", ConfigLoader::zone),
                v.optional("dns.reverseZone", ConfigLoader::reverseZone),
                v.optional("dns.nameserver", s -> hostPort(s, 53))
                        .orElseGet(() -> new AgentConfig.HostPort(unbracket(api.getHost()), 53)),
                v.optional("dns.ttl", s -> number(s, 1, Integer.MAX_VALUE)).orElse(60),
                v.optional("dns.owner", ConfigLoader::owner).orElse("berth"));

        URI engine = v.optional("swarm.engine", ConfigLoader::dockerEndpoint).orElse(DEFAULT_ENGINE);
        List<AgentConfig.HostPort> joinAddrs = v.list("swarm.joinAddrs", s -> hostPort(s, 2377));
        Path joinTokenFile = v.required("swarm.joinTokenFile", joinToken);
        List<URI> managerApi = v.list("swarm.managerApi", ConfigLoader::dockerEndpoint);
        // A tls: mapping, even an empty one, or any BERTH_SWARM_TLS_* asks for TLS: then all three files are needed.
        Optional<AgentConfig.Tls> tls = v.sections().contains("swarm.tls")
                ? Optional.of(new AgentConfig.Tls(
                        v.required("swarm.tls.ca", tlsFile),
                        v.required("swarm.tls.cert", tlsFile),
                        v.required("swarm.tls.key", tlsFile)))
                : Optional.empty();
        boolean insecure = v.optional("swarm.insecure", ConfigLoader::bool).orElse(false);
        if (tls.isEmpty() && !insecure) {
            // Whoever reaches a plain-TCP Docker API owns the node: that must be a deliberate choice.
            for (URI u : managerApi) {
                if (u.getScheme().equals("tcp")) {
                    throw new ConfigException("swarm.managerApi", v.variable("swarm.managerApi"),
                            u + " is plain TCP: set swarm.tls, or swarm.insecure: true to allow it");
                }
            }
        }
        var swarm = new AgentConfig.Swarm(engine, joinAddrs, joinTokenFile, managerApi, tls, insecure,
                v.map("swarm.labels", ConfigLoader::labels).orElse(Map.of()),
                v.optional("swarm.activateWhenReady", ConfigLoader::bool).orElse(true),
                v.optional("swarm.drainTimeout", ConfigLoader::duration).orElse(Duration.ofSeconds(120)));

        var reconcile = new AgentConfig.Reconcile(
                v.optional("reconcile.interval", ConfigLoader::duration).orElse(Duration.ofSeconds(30)));
        var httpApi = new AgentConfig.Api(
                v.optional("api.listen", s -> hostPort(s, 9813)).orElse(new AgentConfig.HostPort("127.0.0.1", 9813)),
                v.optional("api.tokenFile", secretFile));

        Path stateDir = v.optional("stateDir", ConfigLoader::absolutePath).orElse(Path.of("/var/lib/berth"));
        return new AgentConfig(host, dns, swarm, reconcile, httpApi, stateDir);
    }

    // ---- YAML and environment into one map of raw values ----

    /** A key's raw value (a String, List of String or Map of String) and the variable it came from, or null. */
    private record Value(Object raw, String variable) {
    }

    /** The document as maps, lists and the scalars' own text, so {@code 010} stays "010" and {@code yes} is not true. */
    private static Object readYaml(String yaml) {
        try (YAMLParser p = YAML.createParser(yaml)) {
            if (p.nextToken() == null) {
                return null;
            }
            Object document = read(p, "config");
            if (p.nextToken() != null) {
                throw new ConfigException("config", "more than one YAML document");
            }
            return document;
        } catch (JsonProcessingException e) {
            // Jackson's message spans lines and quotes the source: keep the line number only.
            JsonLocation at = e.getLocation();
            throw new ConfigException("config",
                    "not valid YAML" + (at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String has no I/O to fail
        }
    }

    private static Object read(YAMLParser p, String path) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        if (p.isCurrentAlias()) {
            // Jackson turns an alias into its anchor's name: a silently wrong value.
            throw new ConfigException(path, "YAML aliases are not supported (line " + line + ")");
        }
        return switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String child = path.equals("config") ? name : path + "." + name;
                    if (map.containsKey(name)) {
                        throw new ConfigException(child, "duplicate key at line " + p.currentTokenLocation().getLineNr());
                    }
                    p.nextToken();
                    map.put(name, read(p, child));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p, path + "[" + list.size() + "]"));
                }
                yield list;
            }
            case VALUE_NULL -> null;
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> p.getText();
            default -> throw new ConfigException(path, "unsupported YAML value at line " + line);
        };
    }

    private static Map<String, Object> root(Object document) {
        if (document == null) {
            throw new ConfigException("config", "empty");
        }
        return mapping("config", document);
    }

    /** Checks keys and shapes against the schema and collects the leaves by path; a null value counts as absent. */
    private static void flatten(String prefix, Map<String, Object> map, Map<String, Value> values, Set<String> sections) {
        map.forEach((name, node) -> {
            String path = prefix.isEmpty() ? name : prefix + "." + name;
            if (name.contains(".")) {
                throw new ConfigException(path, "unknown key"); // "dns.zone: x" at the top is no way to say dns: {zone: x}
            }
            Key key = BY_PATH.get(path);
            if (key != null) {
                if (node != null) {
                    values.put(path, new Value(shape(key, node), null));
                }
            } else if (SECTIONS.contains(path)) {
                if (node != null) {
                    sections.add(path);
                    flatten(path, mapping(path, node), values, sections);
                }
            } else {
                throw new ConfigException(path, "unknown key");
            }
        });
    }

    private static Object shape(Key key, Object node) {
        return switch (key.kind()) {
            case SCALAR -> scalar(key.path(), node);
            case LIST -> {
                if (!(node instanceof List<?> list)) {
                    throw new ConfigException(key.path(), "expected a list, got " + describe(node));
                }
                List<String> items = new ArrayList<>();
                for (Object item : list) {
                    items.add(scalar(key.path() + "[" + items.size() + "]", item));
                }
                yield items;
            }
            case MAP -> {
                Map<String, String> entries = new LinkedHashMap<>();
                mapping(key.path(), node).forEach((k, v) -> entries.put(k, scalar(key.path() + "." + k, v)));
                yield entries;
            }
        };
    }

    private static String scalar(String path, Object node) {
        if (node instanceof String s) {
            return s;
        }
        throw new ConfigException(path, "expected a single value, got " + describe(node));
    }

    @SuppressWarnings("unchecked") // read() builds maps with String keys only
    private static Map<String, Object> mapping(String path, Object node) {
        if (node instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new ConfigException(path, "expected a mapping, got " + describe(node));
    }

    private static String describe(Object node) {
        return node == null ? "nothing" : node instanceof List ? "a list" : node instanceof Map ? "a mapping"
                : "a single value";
    }

    /** Each BERTH_* variable replaces one key, present in the file or not; a BERTH_* that names no key is a mistake. */
    private static void applyEnv(Map<String, String> env, Map<String, Value> values, Set<String> sections) {
        for (String variable : new TreeSet<>(env.keySet())) { // sorted: the same mistake is reported first every time
            if (!variable.startsWith(ENV_PREFIX)) {
                continue;
            }
            Key key = BY_VARIABLE.get(variable);
            if (key == null) {
                throw new ConfigException(variable, "unknown variable");
            }
            values.put(key.path(), new Value(fromEnv(key, variable, env.get(variable)), variable));
            sections.addAll(parents(key.path()));
        }
    }

    private static Object fromEnv(Key key, String variable, String text) {
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

    private static List<String> parents(String path) {
        List<String> parents = new ArrayList<>();
        for (int dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) {
            parents.add(path.substring(0, dot));
        }
        return parents;
    }

    // ---- raw values into validated ones ----

    /** A value's fault, without the field: {@link Values} puts the field (and variable) in front. */
    private static final class Invalid extends RuntimeException {
        Invalid(String detail) {
            super(detail, null, false, false);
        }
    }

    private static Invalid invalid(String format, Object... args) {
        return new Invalid(String.format(Locale.ROOT, format, args));
    }

    /** The merged raw values, read key by key; {@code sections} are the mappings present in the file or the env. */
    private record Values(Map<String, Value> values, Set<String> sections) {

        <T> Optional<T> optional(String path, Function<String, T> parse) {
            Value value = values.get(path);
            return value == null ? Optional.empty()
                    : Optional.of(check(path, value.variable(), () -> parse.apply((String) value.raw())));
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
                parsed.add(check(path + "[" + parsed.size() + "]", value.variable(), () -> parse.apply(item)));
            }
            return List.copyOf(parsed);
        }

        /** An optional mapping, checked as a whole. */
        Optional<Map<String, String>> map(String path, UnaryOperator<Map<String, String>> parse) {
            Value value = values.get(path);
            @SuppressWarnings("unchecked") // a MAP key's raw value
            Map<String, String> raw = value == null ? null : (Map<String, String>) value.raw();
            return value == null ? Optional.empty() : Optional.of(check(path, value.variable(), () -> parse.apply(raw)));
        }

        String variable(String path) {
            Value value = values.get(path);
            return value == null ? null : value.variable();
        }

        private static <T> T check(String field, String variable, Supplier<T> parse) {
            try {
                return parse.get();
            } catch (Invalid e) {
                throw new ConfigException(field, variable, e.getMessage());
            }
        }
    }

    /** Whether {@code label} is one DNS label as every name here must be made of: 1-63 of [a-z0-9_-], no '-' at an end. */
    public static boolean isDnsLabel(String label) {
        return DNS_LABEL.matcher(label).matches();
    }

    /** A DNS name, lower-cased: labels of 1-63 of [a-z0-9_-], not starting or ending with '-', 253 chars in all. */
    private static String dnsName(String s) {
        String name = s.toLowerCase(Locale.ROOT);
        String body = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (body.isEmpty() || body.length() > 253
                || !Arrays.stream(body.split("\\.", -1)).allMatch(DNS_LABEL.asMatchPredicate())) {
            throw invalid("not a DNS name: %s", quote(s));
        }
        return name;
    }

    /** A zone in the form PowerDNS names it: lower case, trailing dot. */
    private static String zone(String s) {
        String name = dnsName(s);
        return name.endsWith(".") ? name : name + ".";
    }

    private static String reverseZone(String s) {
        String zone = zone(s);
        if (!zone.endsWith(".in-addr.arpa.")) {
            throw invalid("not an in-addr.arpa. zone: %s", quote(s));
        }
        return zone;
    }

    /** This host's record name; a trailing dot would make it absolute, which it is not. */
    private static String hostName(String s) {
        String name = dnsName(s);
        if (name.endsWith(".")) {
            throw invalid("not a host name (no trailing dot): %s", quote(s));
        }
        return name;
    }

    private static String ipv4(String s) {
        if (!IPV4.matcher(s).matches()) {
            throw invalid("not an IPv4 address: %s", quote(s));
        }
        return s;
    }

    /** host:port, [ipv6]:port, or a bare host that takes {@code defaultPort}; the host is an IP or a DNS name. */
    private static AgentConfig.HostPort hostPort(String s, int defaultPort) {
        String host;
        String port;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            String rest = end < 0 ? "" : s.substring(end + 1);
            if (end < 0 || !(rest.isEmpty() || rest.startsWith(":"))) {
                throw invalid("not host:port: %s", quote(s));
            }
            host = ipv6(s.substring(1, end));
            port = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon != s.indexOf(':')) {
                throw invalid("not host:port (put an IPv6 address in brackets): %s", quote(s));
            }
            host = colon < 0 ? s : s.substring(0, colon);
            port = colon < 0 ? null : s.substring(colon + 1);
            // All digits and dots is meant as an address, so 10.0.0.256 must not pass as a DNS name.
            host = host.matches("[0-9.]+") ? ipv4(host) : dnsName(host);
        }
        return new AgentConfig.HostPort(host, port == null ? defaultPort : number(port, 1, 65535));
    }

    private static String ipv6(String s) {
        try {
            // With a ':' in it, InetAddress parses a literal and never asks DNS.
            if (s.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
                InetAddress.getByName(s);
                return s.toLowerCase(Locale.ROOT);
            }
        } catch (UnknownHostException e) {
            // fall through
        }
        throw invalid("not an IPv6 address: %s", quote(s));
    }

    private static String unbracket(String host) {
        return host.startsWith("[") ? ipv6(host.substring(1, host.length() - 1)) : host;
    }

    private static int number(String s, int min, int max) {
        long n = s.matches("[0-9]{1,10}") ? Long.parseLong(s) : -1;
        if (n < min || n > max) {
            throw invalid("not a whole number from %d to %d: %s", min, max, quote(s));
        }
        return (int) n;
    }

    private static boolean bool(String s) {
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw invalid("expected true or false: %s", quote(s));
    }

    private static Duration duration(String s) {
        try {
            return Durations.parse(s);
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage());
        }
    }

    private static String owner(String s) {
        if (!OWNER.matcher(s).matches()) {
            throw invalid("must be 1 to 40 of A-Z a-z 0-9 . _ -: %s", quote(s));
        }
        return s;
    }

    private static String serverId(String s) {
        if (!SERVER_ID.matcher(s).matches()) {
            throw invalid("not a PowerDNS server id (A-Z a-z 0-9 . _ -): %s", quote(s));
        }
        return s;
    }

    private static URI uri(String s) {
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            throw invalid("not a URL: %s", quote(s));
        }
    }

    private static URI apiUrl(String s) {
        URI u = uri(s);
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                || u.getRawQuery() != null || u.getRawFragment() != null) {
            throw invalid("not an http:// or https:// URL with a host and no query: %s", quote(s));
        }
        return u;
    }

    /** Where a Docker API listens: unix:///absolute/path or tcp://host:port. */
    private static URI dockerEndpoint(String s) {
        URI u = uri(s);
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        boolean unix = "unix".equals(u.getScheme()) && u.getRawAuthority() == null && path.length() > 1
                && path.startsWith("/");
        boolean tcp = "tcp".equals(u.getScheme()) && u.getHost() != null && u.getRawUserInfo() == null
                && u.getPort() > 0 && u.getPort() <= 65535 && (path.isEmpty() || path.equals("/"));
        if (!(unix || tcp) || u.getRawQuery() != null || u.getRawFragment() != null) {
            throw invalid("not unix:///path or tcp://host:port: %s", quote(s));
        }
        return u;
    }

    private static Path path(String s) {
        try {
            if (!s.isEmpty()) {
                return Path.of(s);
            }
        } catch (InvalidPathException e) {
            // fall through
        }
        throw invalid("not a path: %s", quote(s));
    }

    private static Path absolutePath(String s) {
        Path p = path(s);
        if (!p.isAbsolute()) {
            throw invalid("not an absolute path: %s", quote(s));
        }
        return p;
    }

    /** A regular file this process can read; checked, not read. */
    private static Path readableFile(String s) {
        Path p = path(s);
        if (!Files.exists(p)) {
            throw invalid("no such file: %s", p);
        }
        if (!Files.isRegularFile(p)) {
            throw invalid("not a regular file: %s", p);
        }
        if (!Files.isReadable(p)) {
            throw invalid("not readable: %s", p);
        }
        return p;
    }

    /** A secret file's stripped content: it must never reach a message, so errors here name the path only. */
    private static String secret(Path p) {
        try {
            return new String(Files.readAllBytes(p), UTF_8).strip();
        } catch (IOException e) {
            throw invalid("cannot read %s: %s", p, reason(e));
        }
    }

    /** A file holding a non-empty secret (an API key or token). */
    private static Path apiKeyFile(String s) {
        Path p = readableFile(s);
        if (secret(p).isEmpty()) {
            throw invalid("empty: %s", p);
        }
        return p;
    }

    private static Path joinTokenFile(String s) {
        Path p = readableFile(s);
        if (!JOIN_TOKEN.matcher(secret(p)).matches()) {
            throw invalid("%s does not hold a Swarm join token (SWMTKN-1-...-...)", p);
        }
        return p;
    }

    /** Docker node labels; berth.identity* is the agent's own. */
    private static Map<String, String> labels(Map<String, String> labels) {
        labels.forEach((key, value) -> {
            if (key.length() > 128 || !LABEL_KEY.matcher(key).matches()) {
                throw invalid("bad label key %s: at most 128 of a-z 0-9 . _ -, starting and ending with a-z 0-9",
                        quote(key));
            }
            if (key.startsWith("berth.identity")) {
                throw invalid("label key %s is reserved: the agent sets it", quote(key));
            }
            if (value.length() > 256 || value.chars().anyMatch(Character::isISOControl)) {
                throw invalid("bad value for label %s: at most 256 characters, no control characters", quote(key));
            }
        });
        return Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** {@code s} quoted, escaped and cut short, so that any value fits a one-line message. */
    public static String quote(String s) {
        StringBuilder quoted = new StringBuilder("\"");
        s.chars().limit(QUOTE_LIMIT).forEach(c -> {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append((char) c);
            } else if (Character.isISOControl(c)) {
                quoted.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                quoted.append((char) c);
            }
        });
        return quoted.append(s.length() > QUOTE_LIMIT ? "\"..." : "\"").toString();
    }

    private static String reason(IOException e) {
        return e instanceof NoSuchFileException ? "no such file"
                : e instanceof AccessDeniedException ? "permission denied"
                : e instanceof CharacterCodingException ? "not UTF-8"
                : e.getClass().getSimpleName();
    }
}
