package io.berth.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes an AgentConfig as the agent.yml {@link ConfigLoader} reads back as an equal value. Every key with a value is
 * written, in {@link ConfigKeys#all()} order, except {@code dns.nameserver} when it is the default drawn from
 * {@code dns.api} (so it stays drawn from it). Deterministic: the same config gives the same bytes.
 */
public final class AgentConfigWriter {

    private AgentConfigWriter() {
    }

    public static String yaml(AgentConfig config) {
        StringBuilder out = new StringBuilder();
        List<String> open = List.of(); // the sections the last key written is in
        for (ConfigKey key : ConfigKeys.all()) {
            Object value = value(config, key.path());
            if (value == null) {
                continue;
            }
            List<String> parents = ConfigKeys.parents(key.path());
            int same = 0;
            while (same < Math.min(open.size(), parents.size()) && open.get(same).equals(parents.get(same))) {
                same++;
            }
            for (int depth = same; depth < parents.size(); depth++) {
                line(out, depth, leaf(parents.get(depth)) + ":");
            }
            open = parents;
            int depth = parents.size();
            String name = leaf(key.path());
            switch (value) {
                case List<?> list -> {
                    line(out, depth, name + ":");
                    list.forEach(item -> line(out, depth + 1, "- " + scalar(item)));
                }
                case Map<?, ?> map when map.isEmpty() -> line(out, depth, name + ": {}");
                case Map<?, ?> map -> {
                    line(out, depth, name + ":");
                    new TreeMap<>(map).forEach((k, v) -> line(out, depth + 1, scalar(k) + ": " + scalar(v)));
                }
                default -> line(out, depth, name + ": " + scalar(value));
            }
        }
        return out.toString();
    }

    /** A key's value: a scalar, a List or a Map; null when it has none. Each key of the schema must be here. */
    private static Object value(AgentConfig c, String path) {
        AgentConfig.Dns dns = c.dns();
        AgentConfig.Swarm swarm = c.swarm();
        return switch (path) {
            case "host.name" -> c.host().name().orElse(null);
            case "host.address" -> c.host().address().orElse(null);
            case "dns.api" -> dns.api();
            case "dns.apiKeyFile" -> dns.apiKeyFile();
            case "dns.serverId" -> dns.serverId();
            case "dns.zone" -> dns.zone();
            case "dns.reverseZone" -> dns.reverseZone().orElse(null);
            case "dns.nameserver" -> dns.nameserver().equals(Rules.defaultNameserver(dns.api())) ? null : dns.nameserver();
            case "dns.ttl" -> dns.ttl();
            case "dns.owner" -> dns.owner();
            case "swarm.engine" -> swarm.engine();
            case "swarm.joinAddrs" -> swarm.joinAddrs();
            case "swarm.joinTokenFile" -> swarm.joinTokenFile();
            case "swarm.managerApi" -> swarm.managerApi();
            case "swarm.tls.ca" -> swarm.tls().map(AgentConfig.Tls::ca).orElse(null);
            case "swarm.tls.cert" -> swarm.tls().map(AgentConfig.Tls::cert).orElse(null);
            case "swarm.tls.key" -> swarm.tls().map(AgentConfig.Tls::key).orElse(null);
            case "swarm.insecure" -> swarm.insecure();
            case "swarm.labels" -> swarm.labels();
            case "swarm.activateWhenReady" -> swarm.activateWhenReady();
            case "swarm.drainTimeout" -> Durations.format(swarm.drainTimeout());
            case "reconcile.interval" -> Durations.format(c.reconcile().interval());
            case "api.listen" -> c.api().listen();
            case "api.tokenFile" -> c.api().tokenFile().orElse(null);
            case "stateDir" -> c.stateDir();
            default -> throw new IllegalStateException("AgentConfigWriter cannot write the key " + path);
        };
    }

    private static String leaf(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    private static void line(StringBuilder out, int depth, String text) {
        out.append("  ".repeat(depth)).append(text).append('\n');
    }

    /** Numbers and booleans as they are; anything else in double quotes, so no value is read as another type. */
    private static String scalar(Object value) {
        if (value instanceof Integer || value instanceof Boolean) {
            return value.toString();
        }
        String s = value.toString();
        StringBuilder quoted = new StringBuilder("\"");
        s.chars().forEach(c -> {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append((char) c);
            } else if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || c == 0xFEFF) {
                // YAML reads these raw as line breaks or a byte-order mark; escaped they are themselves.
                quoted.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                quoted.append((char) c);
            }
        });
        return quoted.append('"').toString();
    }
}
