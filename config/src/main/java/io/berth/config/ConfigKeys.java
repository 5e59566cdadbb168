package io.berth.config;

import static io.berth.config.ConfigKey.Kind.LIST;
import static io.berth.config.ConfigKey.Kind.MAP;
import static io.berth.config.ConfigKey.Kind.SCALAR;
import static java.util.stream.Collectors.toMap;
import static java.util.stream.Collectors.toSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The schema of agent.yml: every key, and so every BERTH_* variable, there is. */
public final class ConfigKeys {

    static final String ENV_PREFIX = "BERTH_";

    /** A new key is one line here, read in ConfigLoader.build() and written in AgentConfigWriter. */
    private static final List<ConfigKey> ALL = List.of(
            new ConfigKey("host.name", SCALAR),
            new ConfigKey("host.address", SCALAR),
            new ConfigKey("dns.api", SCALAR),
            new ConfigKey("dns.apiKeyFile", SCALAR),
            new ConfigKey("dns.serverId", SCALAR),
            new ConfigKey("dns.zone", SCALAR),
            new ConfigKey("dns.reverseZone", SCALAR),
            new ConfigKey("dns.nameserver", SCALAR),
            new ConfigKey("dns.ttl", SCALAR),
            new ConfigKey("dns.owner", SCALAR),
            new ConfigKey("swarm.engine", SCALAR),
            new ConfigKey("swarm.joinAddrs", LIST),
            new ConfigKey("swarm.joinTokenFile", SCALAR),
            new ConfigKey("swarm.managerApi", LIST),
            new ConfigKey("swarm.tls.ca", SCALAR),
            new ConfigKey("swarm.tls.cert", SCALAR),
            new ConfigKey("swarm.tls.key", SCALAR),
            new ConfigKey("swarm.insecure", SCALAR),
            new ConfigKey("swarm.labels", MAP),
            new ConfigKey("swarm.activateWhenReady", SCALAR),
            new ConfigKey("swarm.drainTimeout", SCALAR),
            new ConfigKey("reconcile.interval", SCALAR),
            new ConfigKey("api.listen", SCALAR),
            new ConfigKey("api.tokenFile", SCALAR),
            new ConfigKey("stateDir", SCALAR));

    private static final Map<String, ConfigKey> BY_PATH = ALL.stream().collect(toMap(ConfigKey::path, k -> k));
    // toMap throws on a duplicate, so two keys can never end up sharing a variable.
    private static final Map<String, ConfigKey> BY_VARIABLE =
            ALL.stream().collect(toMap(ConfigKey::variable, k -> k));
    /** The mappings that hold the keys: host, dns, swarm, swarm.tls, reconcile, api. */
    private static final Set<String> SECTIONS = ALL.stream().flatMap(k -> parents(k.path()).stream()).collect(toSet());

    private ConfigKeys() {
    }

    /** Every key, in the order agent.yml is documented and written. */
    public static List<ConfigKey> all() {
        return ALL;
    }

    public static Optional<ConfigKey> byPath(String path) {
        return Optional.ofNullable(BY_PATH.get(path));
    }

    public static Optional<ConfigKey> byVariable(String variable) {
        return Optional.ofNullable(BY_VARIABLE.get(variable));
    }

    static boolean isSection(String path) {
        return SECTIONS.contains(path);
    }

    /** {@code swarm.tls.ca} → {@code [swarm, swarm.tls]}. */
    static List<String> parents(String path) {
        List<String> parents = new ArrayList<>();
        for (int dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) {
            parents.add(path.substring(0, dot));
        }
        return parents;
    }
}
