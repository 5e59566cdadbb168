package io.berth.config;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.berth.config.AgentConfig.HostPort;
import java.io.IOException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Every value rule of the configuration, in one place. The loaders parse text with them ({@code zone("Lab.Example")}
 * gives {@code "lab.example."}); the records check their values with the same parsers, asking that a value be what
 * its own text parses to, so a value built in code obeys exactly the rules a value read from a file does.
 */
final class Rules {

    static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern JOIN_TOKEN = Pattern.compile("SWMTKN-1-[0-9a-z]+-[0-9a-z]+");
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9._-]{1,40}");
    private static final Pattern SERVER_ID = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern LABEL_KEY = Pattern.compile("[a-z0-9]([a-z0-9._-]*[a-z0-9])?");
    /** Enough for any sane value; a pasted blob would drown the message. */
    private static final int QUOTE_LIMIT = 100;

    private Rules() {
    }

    // ---- putting the field in front ----

    /** A value's fault, without the field: {@link #at} puts the field (and variable) in front. */
    static final class Invalid extends RuntimeException {
        Invalid(String detail) {
            super(detail, null, false, false);
        }
    }

    static Invalid invalid(String format, Object... args) {
        return new Invalid(String.format(Locale.ROOT, format, args));
    }

    /** Runs {@code rule}; its fault becomes a ConfigException naming {@code field}. */
    static <T> T at(String field, Supplier<T> rule) {
        return at(field, null, rule);
    }

    /** As {@link #at(String, Supplier)}, naming the BERTH_* variable the value came from, if any. */
    static <T> T at(String field, String variable, Supplier<T> rule) {
        try {
            return rule.get();
        } catch (Invalid e) {
            throw new ConfigException(field, variable, e.getMessage());
        }
    }

    static void check(String field, String variable, Runnable rule) {
        at(field, variable, () -> {
            rule.run();
            return null;
        });
    }

    // ---- the records' checks: a value must be what its own text parses to ----

    static <T> T given(String field, T value) {
        if (value == null) {
            throw new ConfigException(field, "required");
        }
        return value;
    }

    /** {@code value} must pass {@code rule} unchanged: {@code "Lab.Example"} is a zone, but not one in PowerDNS form. */
    static <T> void canonical(String field, T value, Function<T, String> show, Function<String, T> rule) {
        String written = show.apply(given(field, value));
        T parsed = at(field, () -> rule.apply(written));
        if (!parsed.equals(value)) {
            throw new ConfigException(field, "not in normal form, which is " + quote(show.apply(parsed)) + ": "
                    + quote(written));
        }
    }

    static void canonical(String field, String value, UnaryOperator<String> rule) {
        canonical(field, value, s -> s, rule);
    }

    static void canonical(String field, Optional<String> value, UnaryOperator<String> rule) {
        given(field, value).ifPresent(v -> canonical(field, v, rule));
    }

    static void positive(String field, int value) {
        canonical(field, value, n -> Integer.toString(n), s -> number(s, 1, Integer.MAX_VALUE));
    }

    /** A host and port that {@link #hostPort(String, int)} reads back; a name's case is left alone (see Dns). */
    static void hostPort(String field, HostPort value) {
        given(field + ".host", given(field, value).host());
        at(field, () -> hostPort(value.toString(), 0));
    }

    static void duration(String field, Duration value) {
        canonical(field, value, d -> at(field, () -> format(d)), Rules::duration);
    }

    static void path(String field, Path value) {
        at(field, () -> path(given(field, value).toString()));
    }

    static void path(String field, Optional<Path> value) {
        given(field, value).ifPresent(p -> path(field, p));
    }

    static void absolutePath(String field, Path value) {
        at(field, () -> absolutePath(given(field, value).toString()));
    }

    /** A non-empty list, each item named by its index; an immutable copy. */
    static <T> List<T> items(String field, List<T> list, BiConsumer<String, T> rule) {
        if (given(field, list).isEmpty()) {
            throw new ConfigException(field, "must not be empty");
        }
        List<T> items = new ArrayList<>();
        for (T item : list) {
            String itemField = field + "[" + items.size() + "]";
            rule.accept(itemField, given(itemField, item));
            items.add(item);
        }
        return List.copyOf(items);
    }

    static void dockerEndpoint(String field, URI value) {
        canonical(field, value, URI::toString, Rules::dockerEndpoint);
    }

    static void apiUrl(String field, URI value) {
        canonical(field, value, URI::toString, Rules::apiUrl);
    }

    /** Whoever reaches a plain-TCP Docker API owns the node: that must be a deliberate choice. */
    static void plainTcp(String field, String section, List<URI> api, boolean tls, boolean insecure) {
        check(field, null, () -> plainTcp(section, api, tls, insecure));
    }

    static void plainTcp(String section, List<URI> api, boolean tls, boolean insecure) {
        if (tls || insecure) {
            return;
        }
        for (URI u : api) {
            if ("tcp".equals(u.getScheme())) {
                throw invalid("%s is plain TCP: set %s.tls, or %s.insecure: true to allow it", u, section, section);
            }
        }
    }

    // ---- text into values: the loaders' parsers ----

    /** A DNS name, lower-cased: labels of 1-63 of [a-z0-9_-], not starting or ending with '-', 253 chars in all. */
    static String dnsName(String s) {
        String name = s.toLowerCase(Locale.ROOT);
        String body = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (body.isEmpty() || body.length() > 253
                || !Arrays.stream(body.split("\\.", -1)).allMatch(DNS_LABEL.asMatchPredicate())) {
            throw invalid("not a DNS name: %s", quote(s));
        }
        return name;
    }

    /** A zone in the form PowerDNS names it: lower case, trailing dot. */
    static String zone(String s) {
        String name = dnsName(s);
        return name.endsWith(".") ? name : name + ".";
    }

    static String reverseZone(String s) {
        String zone = zone(s);
        if (!zone.endsWith(".in-addr.arpa.")) {
            throw invalid("not an in-addr.arpa. zone: %s", quote(s));
        }
        return zone;
    }

    /** This host's record name; a trailing dot would make it absolute, which it is not. */
    static String hostName(String s) {
        String name = dnsName(s);
        if (name.endsWith(".")) {
            throw invalid("not a host name (no trailing dot): %s", quote(s));
        }
        return name;
    }

    static String ipv4(String s) {
        if (!IPV4.matcher(s).matches()) {
            throw invalid("not an IPv4 address: %s", quote(s));
        }
        return s;
    }

    /** host:port, [ipv6]:port, or a bare host that takes {@code defaultPort}; the host is an IP or a DNS name. */
    static HostPort hostPort(String s, int defaultPort) {
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
        return new HostPort(host, port == null ? defaultPort : number(port, 1, 65535));
    }

    static String ipv6(String s) {
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

    /** The authoritative server to ask when none is configured: the PowerDNS API's host, port 53. */
    static HostPort defaultNameserver(URI api) {
        String host = api.getHost();
        return new HostPort(host.startsWith("[") ? ipv6(host.substring(1, host.length() - 1)) : host, 53);
    }

    static int number(String s, int min, int max) {
        long n = s.matches("[0-9]{1,10}") ? Long.parseLong(s) : -1;
        if (n < min || n > max) {
            throw invalid("not a whole number from %d to %d: %s", min, max, quote(s));
        }
        return (int) n;
    }

    static boolean bool(String s) {
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw invalid("expected true or false: %s", quote(s));
    }

    static Duration duration(String s) {
        try {
            return Durations.parse(s);
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage());
        }
    }

    private static String format(Duration d) {
        try {
            return Durations.format(d);
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage());
        }
    }

    static String owner(String s) {
        if (!OWNER.matcher(s).matches()) {
            throw invalid("must be 1 to 40 of A-Z a-z 0-9 . _ -: %s", quote(s));
        }
        return s;
    }

    static String serverId(String s) {
        if (!SERVER_ID.matcher(s).matches()) {
            throw invalid("not a PowerDNS server id (A-Z a-z 0-9 . _ -): %s", quote(s));
        }
        return s;
    }

    /** A pool's name: its VMs are {@code <pool><n>}, and a lab host name has at most 8 characters. */
    static String poolName(String s) {
        if (!s.matches("[a-z][a-z0-9]{0,5}")) {
            throw invalid("not a pool name (1 to 6 of a-z 0-9, starting with a-z: its VMs are <pool><n>): %s",
                    quote(s));
        }
        return s;
    }

    /** A lab's name, as lab/lab takes it. */
    static String labName(String s) {
        if (!s.matches("[a-z0-9]{2,8}")) {
            throw invalid("not a lab name (2 to 8 of a-z 0-9): %s", quote(s));
        }
        return s;
    }

    /** Free text such as a vSphere name: not empty, one line. */
    static String text(String s) {
        if (s.isEmpty() || s.chars().anyMatch(Character::isISOControl)) {
            throw invalid("must be one line of text, not empty: %s", quote(s));
        }
        return s;
    }

    static URI uri(String s) {
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            throw invalid("not a URL: %s", quote(s));
        }
    }

    static URI apiUrl(String s) {
        URI u = uri(s);
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                || u.getRawQuery() != null || u.getRawFragment() != null) {
            throw invalid("not an http:// or https:// URL with a host and no query: %s", quote(s));
        }
        return u;
    }

    /** Where a Docker API listens: unix:///absolute/path or tcp://host:port. */
    static URI dockerEndpoint(String s) {
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

    static Path path(String s) {
        try {
            if (!s.isEmpty()) {
                return Path.of(s);
            }
        } catch (InvalidPathException e) {
            // fall through
        }
        throw invalid("not a path: %s", quote(s));
    }

    static Path absolutePath(String s) {
        Path p = path(s);
        if (!p.isAbsolute()) {
            throw invalid("not an absolute path: %s", quote(s));
        }
        return p;
    }

    // ---- the files a config names: checked where they are read, errors name the path only ----

    static Path readableFile(String s) {
        return readableFile(path(s));
    }

    /** A regular file this process can read; checked, not read. */
    static Path readableFile(Path p) {
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

    /** A file's whole content; it may be a secret, so errors here name the path only. */
    static String content(Path p) {
        try {
            return new String(Files.readAllBytes(readableFile(p)), UTF_8);
        } catch (IOException e) {
            throw invalid("cannot read %s: %s", p, reason(e));
        }
    }

    /** The non-empty secret (an API key or token) a file holds, stripped as the agent reads it. */
    static String apiKey(Path p) {
        String key = content(p).strip();
        if (key.isEmpty()) {
            throw invalid("empty: %s", p);
        }
        return key;
    }

    static Path apiKeyFile(String s) {
        Path p = path(s);
        apiKey(p);
        return p;
    }

    static boolean isJoinToken(String token) {
        return JOIN_TOKEN.matcher(token).matches();
    }

    /** The Swarm join token a file holds. */
    static String joinToken(Path p) {
        String token = content(p).strip();
        if (!isJoinToken(token)) {
            throw invalid("%s does not hold a Swarm join token (SWMTKN-1-...-...)", p);
        }
        return token;
    }

    static Path joinTokenFile(String s) {
        Path p = path(s);
        joinToken(p);
        return p;
    }

    /** vSphere extraConfig: keys and values of one line each. */
    static Map<String, String> extraConfig(Map<String, String> entries) {
        entries.forEach((key, value) -> {
            if (key == null || key.isEmpty() || key.chars().anyMatch(Character::isISOControl)) {
                throw invalid("bad key %s: one line of text, not empty", key == null ? "null" : quote(key));
            }
            if (value == null || value.chars().anyMatch(Character::isISOControl)) {
                throw invalid("bad value for %s: one line of text", quote(key));
            }
        });
        return Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** A TLS file's PEM text, kept as it is. */
    static String pem(Path p) {
        String pem = content(p);
        if (pem.isBlank()) {
            throw invalid("empty: %s", p);
        }
        return pem;
    }

    /** Docker node labels; berth.identity* is the agent's own. */
    static Map<String, String> labels(Map<String, String> labels) {
        labels.forEach((key, value) -> {
            if (key == null || key.length() > 128 || !LABEL_KEY.matcher(key).matches()) {
                throw invalid("bad label key %s: at most 128 of a-z 0-9 . _ -, starting and ending with a-z 0-9",
                        key == null ? "null" : quote(key));
            }
            if (key.startsWith(AgentConfig.Swarm.IDENTITY_LABEL)) {
                throw invalid("label key %s is reserved: the agent sets it", quote(key));
            }
            if (value == null || value.length() > 256 || value.chars().anyMatch(Character::isISOControl)) {
                throw invalid("bad value for label %s: at most 256 characters, no control characters", quote(key));
            }
        });
        return Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** {@code s} quoted, escaped and cut short, so that any value fits a one-line message. */
    static String quote(String s) {
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

    static String reason(IOException e) {
        return e instanceof NoSuchFileException ? "no such file"
                : e instanceof AccessDeniedException ? "permission denied"
                : e instanceof CharacterCodingException ? "not UTF-8"
                : e.getClass().getSimpleName();
    }
}
