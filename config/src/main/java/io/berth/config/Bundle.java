package io.berth.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one VM's agent needs: its configuration and the secrets that configuration names, to be placed at
 * {@code configFile} and at the paths the configuration gives. Those paths are the VM's, so a bundle is checked
 * without reading any file. {@link #files()} is the one rendering: files on a disk or guestinfo keys both come from
 * it. No secret is ever in a toString() or a message.
 */
public record Bundle(Path configFile, AgentConfig config, Secrets secrets) {

    public Bundle {
        Rules.absolutePath("configFile", configFile);
        Rules.given("config", config);
        Rules.given("secrets", secrets);
        matches("secrets.apiToken", secrets.apiToken().isPresent(), "api.tokenFile",
                config.api().tokenFile().isPresent());
        matches("secrets.tls", secrets.tls().isPresent(), "swarm.tls", config.swarm().tls().isPresent());
        Map<Path, String> taken = new LinkedHashMap<>();
        taken.put(configFile, "configFile");
        paths(config).forEach((field, path) -> {
            Rules.absolutePath(field, path);
            String other = taken.putIfAbsent(path, field);
            if (other != null) {
                throw new ConfigException(field, path + " is also " + other + ": each file needs a path of its own");
            }
        });
    }

    /** agent.yml at {@code configFile}, then each secret at the path the configuration names for it. */
    public List<BundleFile> files() {
        List<BundleFile> files = new ArrayList<>();
        files.add(new BundleFile(configFile, AgentConfigWriter.yaml(config), false));
        // The agent strips a key or token it reads; a PEM file is kept as it is.
        files.add(new BundleFile(config.dns().apiKeyFile(), secrets.dnsApiKey() + "\n", true));
        files.add(new BundleFile(config.swarm().joinTokenFile(), secrets.joinToken() + "\n", true));
        config.api().tokenFile()
                .ifPresent(p -> files.add(new BundleFile(p, secrets.apiToken().orElseThrow() + "\n", true)));
        config.swarm().tls().ifPresent(tls -> {
            TlsPem pem = secrets.tls().orElseThrow();
            files.add(new BundleFile(tls.ca(), pem.ca(), true));
            files.add(new BundleFile(tls.cert(), pem.cert(), true));
            files.add(new BundleFile(tls.key(), pem.key(), true));
        });
        return List.copyOf(files);
    }

    @Override
    public String toString() {
        return "Bundle[configFile=" + configFile + ", config=" + config + ", secrets=" + secrets + "]";
    }

    /** The secret files' fields and paths, in the order {@link #files()} writes them. */
    static Map<String, Path> paths(AgentConfig config) {
        Map<String, Path> paths = new LinkedHashMap<>();
        paths.put("dns.apiKeyFile", config.dns().apiKeyFile());
        paths.put("swarm.joinTokenFile", config.swarm().joinTokenFile());
        config.api().tokenFile().ifPresent(p -> paths.put("api.tokenFile", p));
        config.swarm().tls().ifPresent(tls -> {
            paths.put("swarm.tls.ca", tls.ca());
            paths.put("swarm.tls.cert", tls.cert());
            paths.put("swarm.tls.key", tls.key());
        });
        return paths;
    }

    private static void matches(String field, boolean given, String configField, boolean configured) {
        if (given && !configured) {
            throw new ConfigException(field, "given, but " + configField + " is not set");
        }
        if (!given && configured) {
            throw new ConfigException(field, "required: " + configField + " is set");
        }
    }

    /** The secrets' content: the join token, the PowerDNS API key, the API's bearer token, the TLS client files. */
    public record Secrets(String joinToken, String dnsApiKey, Optional<String> apiToken, Optional<TlsPem> tls) {

        public Secrets {
            if (!Rules.isJoinToken(Rules.given("secrets.joinToken", joinToken))) {
                throw new ConfigException("secrets.joinToken", "not a Swarm join token (SWMTKN-1-...-...)");
            }
            token("secrets.dnsApiKey", dnsApiKey);
            Rules.given("secrets.apiToken", apiToken).ifPresent(t -> token("secrets.apiToken", t));
            Rules.given("secrets.tls", tls);
        }

        /** Written with a newline and read back stripped, so white space at either end would be lost. */
        private static void token(String field, String value) {
            if (Rules.given(field, value).isEmpty() || !value.strip().equals(value)) {
                throw new ConfigException(field, "must not be empty, nor begin or end with white space");
            }
        }

        @Override
        public String toString() {
            return "Secrets[redacted]";
        }
    }

    /** The PEM text of the TLS client files {@code swarm.tls} names. */
    public record TlsPem(String ca, String cert, String key) {

        public TlsPem {
            pem("secrets.tls.ca", ca);
            pem("secrets.tls.cert", cert);
            pem("secrets.tls.key", key);
        }

        private static void pem(String field, String value) {
            if (Rules.given(field, value).isBlank()) {
                throw new ConfigException(field, "empty");
            }
        }

        @Override
        public String toString() {
            return "TlsPem[redacted]";
        }
    }

    /** One file to place in the VM; a secret one is to be readable by its owner only. */
    public record BundleFile(Path path, String content, boolean secret) {

        public BundleFile {
            Rules.absolutePath("path", path);
            Rules.given("content", content);
        }

        @Override
        public String toString() {
            return "BundleFile[path=" + path + ", secret=" + secret + ", " + content.length() + " characters]";
        }
    }
}
