package io.berth.config;

import java.util.Locale;

/** One leaf of agent.yml: its dotted path, what it holds, and so its {@code BERTH_*} environment variable. */
public record ConfigKey(String path, Kind kind) {

    /** What a key holds: in YAML a scalar, a list or a mapping; in its variable {@code v}, {@code a,b} or {@code k=v,k=v}. */
    public enum Kind { SCALAR, LIST, MAP }

    public ConfigKey {
        Rules.given("path", path);
        Rules.given("kind", kind);
    }

    /** {@code dns.apiKeyFile} → {@code BERTH_DNS_API_KEY_FILE}. */
    public String variable() {
        return ConfigKeys.ENV_PREFIX
                + path.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
    }
}
