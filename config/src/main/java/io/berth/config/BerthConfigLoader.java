package io.berth.config;

import io.berth.config.BerthConfig.Dns;
import io.berth.config.BerthConfig.Lab;
import io.berth.config.BerthConfig.Managers;
import io.berth.config.BerthConfig.Pool;
import io.berth.config.BerthConfig.ProviderSettings;
import io.berth.config.BerthConfig.Vsphere;
import io.berth.config.BerthConfig.VsphereVm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads berth.yml with agent.yml's YAML reader and value rules: unknown and duplicate keys, aliases and bad values
 * are refused with one line naming the field. No environment overrides: berth.yml is the controller's whole say.
 */
public final class BerthConfigLoader {

    private BerthConfigLoader() {
    }

    public static BerthConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config", "no such file: " + file);
        }
        return parse(file, ConfigLoader.read(file));
    }

    static BerthConfig parse(Path file, String yaml) {
        Node root = new Node("", Yaml.root(yaml)).only("managers", "dns", "agent", "pools", "provider");
        Managers managers = managers(root.node("managers"));
        Dns dns = dns(root.node("dns"));
        AgentTemplate agent = agent(root.node("agent"));
        List<Pool> pools = pools(root.node("pools"));
        ProviderSettings provider = provider(root.node("provider"));
        return new BerthConfig(file, managers, dns, agent, pools, provider);
    }

    private static Managers managers(Node n) {
        n.only("api", "tls", "insecure");
        return new Managers(n.list("api", Rules::dockerEndpoint),
                n.optionalNode("tls").map(BerthConfigLoader::tls),
                n.optional("insecure", Rules::bool).orElse(false));
    }

    private static AgentConfig.Tls tls(Node n) {
        n.only("ca", "cert", "key");
        return new AgentConfig.Tls(n.required("ca", Rules::readableFile), n.required("cert", Rules::readableFile),
                n.required("key", Rules::readableFile));
    }

    private static Dns dns(Node n) {
        n.only("api", "keyFile", "serverId", "zone", "reverseZone");
        return new Dns(n.required("api", Rules::apiUrl),
                n.required("keyFile", Rules::apiKeyFile),
                n.optional("serverId", Rules::serverId).orElse("localhost"),
                n.required("zone", Rules::zone),
                n.optional("reverseZone", Rules::reverseZone));
    }

    /** The agent's own schema and checks, its files checked here, on the controller; faults named agent.… */
    private static AgentTemplate agent(Node n) {
        AgentConfig section;
        try {
            section = ConfigLoader.parseSection(n.map(), List.of("host.name", "host.address", "stateDir"),
                    AgentTemplate.PER_VM);
        } catch (ConfigException e) {
            throw e.within("agent.");
        }
        return new AgentTemplate(section);
    }

    private static List<Pool> pools(Node n) {
        List<Pool> pools = new ArrayList<>();
        for (String name : n.map().keySet()) {
            Rules.at(n.at(name), () -> Rules.poolName(name));
            Node pool = n.node(name).only("size", "labels", "vsphere");
            Map<String, String> labels = pool.strings("labels");
            if (labels.containsKey(BerthConfig.POOL_LABEL)) {
                throw new ConfigException(pool.at("labels"),
                        "label key \"" + BerthConfig.POOL_LABEL + "\" is reserved: berth sets it to the pool's name");
            }
            pools.add(new Pool(name,
                    pool.required("size", s -> Rules.number(s, 1, 99)),
                    Rules.at(pool.at("labels"), () -> Rules.labels(labels)),
                    pool.optionalNode("vsphere").map(BerthConfigLoader::vsphereVm)));
        }
        return pools;
    }

    private static VsphereVm vsphereVm(Node n) {
        n.only("template", "folder", "resourcePool", "datastore", "network", "linkedClone", "extraConfig");
        Map<String, String> extraConfig = n.strings("extraConfig");
        return new VsphereVm(n.required("template", Rules::text),
                n.optional("folder", Rules::text),
                n.optional("resourcePool", Rules::text),
                n.optional("datastore", Rules::text),
                n.optional("network", Rules::text),
                n.optional("linkedClone", Rules::bool).orElse(false),
                Rules.at(n.at("extraConfig"), () -> Rules.extraConfig(extraConfig)));
    }

    private static ProviderSettings provider(Node n) {
        n.only("lab", "vsphere");
        Optional<Node> lab = n.optionalNode("lab");
        Optional<Node> vsphere = n.optionalNode("vsphere");
        if (lab.isPresent() == vsphere.isPresent()) {
            throw new ConfigException(n.path(), "exactly one of lab, vsphere");
        }
        return lab.isPresent() ? lab(lab.get()) : vsphere(vsphere.get());
    }

    private static Lab lab(Node n) {
        n.only("name", "agent");
        return new Lab(n.required("name", Rules::labName), n.optional("agent", Rules::path));
    }

    private static Vsphere vsphere(Node n) {
        n.only("url", "user", "passwordFile", "insecure", "datacenter", "parallelism");
        return new Vsphere(n.required("url", Rules::apiUrl),
                n.required("user", Rules::text),
                n.required("passwordFile", Rules::apiKeyFile),
                n.optional("insecure", Rules::bool).orElse(false),
                n.required("datacenter", Rules::text),
                n.optional("parallelism", s -> Rules.number(s, 1, 64)).orElse(Vsphere.DEFAULT_PARALLELISM));
    }

    /** One mapping of berth.yml at {@code path}, read key by key; a null value counts as absent, as in agent.yml. */
    private record Node(String path, Map<String, Object> map) {

        String at(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        Node only(String... keys) {
            List<String> known = List.of(keys);
            for (String key : map.keySet()) {
                if (!known.contains(key)) {
                    throw new ConfigException(at(key), "unknown key");
                }
            }
            return this;
        }

        <T> Optional<T> optional(String key, Function<String, T> rule) {
            Object value = map.get(key);
            return value == null ? Optional.empty()
                    : Optional.of(Rules.at(at(key), () -> rule.apply(Yaml.scalar(at(key), value))));
        }

        <T> T required(String key, Function<String, T> rule) {
            return optional(key, rule).orElseThrow(() -> new ConfigException(at(key), "required"));
        }

        /** A required, non-empty list; an item's fault names its index. */
        <T> List<T> list(String key, Function<String, T> rule) {
            Object value = map.get(key);
            if (value == null) {
                throw new ConfigException(at(key), "required");
            }
            List<T> items = new ArrayList<>();
            for (Object item : Yaml.list(at(key), value)) {
                String field = at(key) + "[" + items.size() + "]";
                items.add(Rules.at(field, () -> rule.apply(Yaml.scalar(field, item))));
            }
            if (items.isEmpty()) {
                throw new ConfigException(at(key), "must not be empty");
            }
            return items;
        }

        Optional<Node> optionalNode(String key) {
            Object value = map.get(key);
            return value == null ? Optional.empty() : Optional.of(new Node(at(key), Yaml.mapping(at(key), value)));
        }

        Node node(String key) {
            return optionalNode(key).orElseThrow(() -> new ConfigException(at(key), "required"));
        }

        /** An optional mapping of single values, empty when absent. */
        Map<String, String> strings(String key) {
            Map<String, String> entries = new LinkedHashMap<>();
            optionalNode(key).ifPresent(n -> n.map().forEach((k, v) -> entries.put(k, Yaml.scalar(n.at(k), v))));
            return entries;
        }
    }
}
