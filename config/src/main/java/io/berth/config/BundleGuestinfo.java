package io.berth.config;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.berth.config.Bundle.BundleFile;
import io.berth.config.Bundle.Secrets;
import io.berth.config.Bundle.TlsPem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A {@link Bundle} as vSphere guestinfo keys: {@code guestinfo.berth.config} (the agent.yml) and one
 * {@code guestinfo.berth.secret.<name>} per secret file, each with {@code .encoding} = {@code base64} or
 * {@code gzip+base64}, as cloud-init and Cluster API hand over {@code guestinfo.userdata}. Every value is base64 and
 * every key is made of {@code [a-z0-9.]}, so the bundle survives vcsim's mapping to env variables
 * ({@code guestinfo.berth.config} → {@code VMX_GUESTINFO_BERTH_CONFIG}). It is a rendering of
 * {@link Bundle#files()}, not a format of its own; {@link #parse} rebuilds the bundle with the record's own checks.
 */
public final class BundleGuestinfo {

    public static final String CONFIG_KEY = "guestinfo.berth.config";
    public static final String SECRET_PREFIX = "guestinfo.berth.secret.";
    public static final String ENCODING_SUFFIX = ".encoding";
    /** What a redacted key holds (cloud-init's redact writes the same). */
    public static final String REDACTED = "---";
    /** Where {@link #parse} places the bundle, under its root: agent.yml here, the secrets in {@code secrets/}. */
    public static final Path CONFIG_DIR = Path.of("run/config/berth");

    /** More than any agent.yml or PEM chain: a bigger value is a mistake, or a gzip bomb. */
    static final int LIMIT = 1 << 20;

    /** How a value is encoded; its {@link #label} is what the {@code .encoding} key holds. */
    public enum Encoding {
        BASE64("base64"), GZIP_BASE64("gzip+base64");

        public final String label;

        Encoding(String label) {
            this.label = label;
        }
    }

    /** Each secret: its guestinfo name, the agent.yml field that names its file, the file's name under secrets/. */
    private record Secret(String name, String field, String file) {
    }

    private static final Map<String, Secret> BY_FIELD = new LinkedHashMap<>();

    static {
        for (Secret s : new Secret[] {
                new Secret("dnsapikey", "dns.apiKeyFile", "dns-api-key"),
                new Secret("jointoken", "swarm.joinTokenFile", "join-token"),
                new Secret("apitoken", "api.tokenFile", "api-token"),
                new Secret("tlsca", "swarm.tls.ca", "ca.pem"),
                new Secret("tlscert", "swarm.tls.cert", "cert.pem"),
                new Secret("tlskey", "swarm.tls.key", "key.pem")}) {
            BY_FIELD.put(s.field(), s);
        }
    }

    private BundleGuestinfo() {
    }

    /** The keys and values that carry {@code bundle}, in {@link Bundle#files()} order, each value then its encoding. */
    public static Map<String, String> render(Bundle bundle, Encoding encoding) {
        Map<Path, String> keyByPath = new LinkedHashMap<>();
        keyByPath.put(bundle.configFile(), CONFIG_KEY);
        Bundle.paths(bundle.config()).forEach((field, path) -> keyByPath.put(path, secretKey(BY_FIELD.get(field))));
        Map<String, String> keys = new LinkedHashMap<>();
        for (BundleFile file : bundle.files()) {
            String key = keyByPath.get(file.path());
            keys.put(key, encode(file.content(), encoding));
            keys.put(key + ENCODING_SUFFIX, encoding.label);
        }
        return keys;
    }

    /** The env variable vcsim and cloud-init carry {@code key} in: {@code VMX_} + the key, {@code .} → {@code _}, upper case. */
    public static String variable(String key) {
        return "VMX_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** Whether {@code key} holds a secret's value (not its encoding): the keys to redact once read. */
    public static boolean isSecretValue(String key) {
        return key.startsWith(SECRET_PREFIX) && !key.endsWith(ENCODING_SUFFIX);
    }

    /**
     * The bundle the keys {@code lookup} finds describe, placed under {@code root}: its agent.yml at
     * {@code root/run/config/berth/agent.yml}, naming each secret at {@code root/run/config/berth/secrets/<file>} (the
     * paths in the guestinfo agent.yml are the renderer's and are replaced). Only the secrets that agent.yml names are
     * looked up. Any fault is a ConfigException naming the key, with no value in it.
     */
    public static Bundle parse(Function<String, Optional<String>> lookup, Path root) {
        Rules.absolutePath("root", root);
        Path dir = root.resolve(CONFIG_DIR);
        String yaml = read(lookup, CONFIG_KEY);
        AgentConfig given;
        try {
            given = ConfigLoader.parse(yaml, Map.of(), ConfigLoader.NamedFiles.UNOPENED);
        } catch (ConfigException e) {
            throw new ConfigException(CONFIG_KEY, e.getMessage());
        }
        AgentConfig config = relocate(given, dir.resolve("secrets"));
        Map<String, String> content = new LinkedHashMap<>();
        Bundle.paths(given).keySet().forEach(field -> {
            String key = secretKey(BY_FIELD.get(field));
            content.put(field, read(lookup, key));
        });
        try {
            return new Bundle(dir.resolve("agent.yml"), config, new Secrets(
                    // Token files end with a newline (Bundle.files): the value itself is the stripped text.
                    strip(content.get("swarm.joinTokenFile")),
                    strip(content.get("dns.apiKeyFile")),
                    Optional.ofNullable(content.get("api.tokenFile")).map(String::strip),
                    config.swarm().tls().map(tls -> new TlsPem(content.get("swarm.tls.ca"),
                            content.get("swarm.tls.cert"), content.get("swarm.tls.key")))));
        } catch (ConfigException e) {
            throw new ConfigException(keyOf(e.field()), e.detail());
        }
    }

    private static String strip(String s) {
        return s == null ? null : s.strip();
    }

    private static String secretKey(Secret secret) {
        return SECRET_PREFIX + secret.name();
    }

    /** A Secrets field ({@code secrets.tls.key}) as the key its value came from. */
    private static String keyOf(String field) {
        return switch (field) {
            case "secrets.joinToken" -> secretKey(BY_FIELD.get("swarm.joinTokenFile"));
            case "secrets.dnsApiKey" -> secretKey(BY_FIELD.get("dns.apiKeyFile"));
            case "secrets.apiToken" -> secretKey(BY_FIELD.get("api.tokenFile"));
            case "secrets.tls.ca" -> secretKey(BY_FIELD.get("swarm.tls.ca"));
            case "secrets.tls.cert" -> secretKey(BY_FIELD.get("swarm.tls.cert"));
            case "secrets.tls.key" -> secretKey(BY_FIELD.get("swarm.tls.key"));
            default -> CONFIG_KEY;
        };
    }

    /** {@code config} with each secret file at {@code secrets/<file>}: where {@link #parse} places them. */
    private static AgentConfig relocate(AgentConfig c, Path secrets) {
        Function<String, Path> at = field -> secrets.resolve(BY_FIELD.get(field).file());
        AgentConfig.Dns d = c.dns();
        AgentConfig.Swarm s = c.swarm();
        return new AgentConfig(c.host(),
                new AgentConfig.Dns(d.api(), at.apply("dns.apiKeyFile"), d.serverId(), d.zone(), d.reverseZone(),
                        d.nameserver(), d.ttl(), d.owner()),
                new AgentConfig.Swarm(s.engine(), s.joinAddrs(), at.apply("swarm.joinTokenFile"), s.managerApi(),
                        s.tls().map(t -> new AgentConfig.Tls(at.apply("swarm.tls.ca"), at.apply("swarm.tls.cert"),
                                at.apply("swarm.tls.key"))),
                        s.insecure(), s.labels(), s.activateWhenReady(), s.drainTimeout()),
                c.reconcile(),
                new AgentConfig.Api(c.api().listen(), c.api().tokenFile().map(p -> at.apply("api.tokenFile"))),
                c.stateDir());
    }

    // ---- one key's value ----

    private static String encode(String content, Encoding encoding) {
        byte[] bytes = content.getBytes(UTF_8);
        if (encoding == Encoding.GZIP_BASE64) {
            ByteArrayOutputStream zipped = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
                out.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // in memory: cannot happen
            }
            bytes = zipped.toByteArray();
        }
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** {@code key}'s value, decoded as its {@code .encoding} key says. */
    private static String read(Function<String, Optional<String>> lookup, String key) {
        String value = lookup.apply(key).orElseThrow(() -> new ConfigException(key, "missing"));
        String label = lookup.apply(key + ENCODING_SUFFIX)
                .orElseThrow(() -> new ConfigException(key + ENCODING_SUFFIX, "missing: base64 or gzip+base64"))
                .strip();
        byte[] bytes;
        try {
            // White space is allowed: `base64` wraps its lines at 76 characters.
            bytes = Base64.getDecoder().decode(value.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "not base64");
        }
        if (label.equals(Encoding.GZIP_BASE64.label)) {
            bytes = gunzip(key, bytes);
        } else if (!label.equals(Encoding.BASE64.label)) {
            throw new ConfigException(key + ENCODING_SUFFIX, "unknown encoding " + Rules.quote(label)
                    + ": base64 or gzip+base64");
        }
        if (bytes.length > LIMIT) {
            throw new ConfigException(key, "larger than " + LIMIT + " bytes");
        }
        try {
            return UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(key, "not UTF-8 text");
        }
    }

    private static byte[] gunzip(String key, byte[] bytes) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readNBytes(LIMIT + 1);
        } catch (IOException e) {
            throw new ConfigException(key, "not gzip data (its .encoding says gzip+base64)");
        }
    }
}
