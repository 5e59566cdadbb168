package io.berth.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * berth.yml, the controller's configuration ({@link BerthConfigLoader} reads it): the managers and PowerDNS it talks
 * to, what every clone's agent gets, the pools, and where VMs come from. Each record checks its own rules when
 * built, and its faults name berth.yml's fields ({@code pools.blue.size}).
 */
public record BerthConfig(Path file, Managers managers, Dns dns, AgentTemplate agent, List<Pool> pools,
                          ProviderSettings provider) {

    /** The node label every VM of a pool carries: the pool's name. */
    public static final String POOL_LABEL = "berth.pool";

    public BerthConfig {
        Rules.given("file", file);
        Rules.given("managers", managers);
        Rules.given("dns", dns);
        Rules.given("agent", agent);
        pools = Rules.items("pools", pools, (field, pool) -> { });
        Rules.given("provider", provider);
        Set<String> names = new HashSet<>();
        for (Pool pool : pools) {
            String field = "pools." + pool.name();
            if (!names.add(pool.name())) {
                throw new ConfigException(field, "a second pool of that name");
            }
            switch (provider) {
                case Vsphere v when pool.vsphere().isEmpty() ->
                        throw new ConfigException(field + ".vsphere.template", "required: the provider is vsphere");
                case Lab l when pool.vsphere().isPresent() ->
                        throw new ConfigException(field + ".vsphere", "not for the lab provider");
                // lab/lab keeps mgr<n> for its own managers' host names.
                case Lab l when pool.name().equals("mgr") ->
                        throw new ConfigException(field, "the lab names its managers mgr<n>: choose another name");
                default -> { }
            }
        }
    }

    public Optional<Pool> pool(String name) {
        return pools.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The Swarm managers' Engine API, for the controller's own calls; plain tcp:// only with {@code insecure}. */
    public record Managers(List<URI> api, Optional<AgentConfig.Tls> tls, boolean insecure) {
        public Managers {
            api = Rules.items("managers.api", api, Rules::dockerEndpoint);
            Rules.given("managers.tls", tls);
            Rules.plainTcp("managers.api", "managers", api, tls.isPresent(), insecure);
        }
    }

    /** PowerDNS, for the controller's checks and cleanup; its API key is in {@code keyFile}. */
    public record Dns(URI api, Path keyFile, String serverId, String zone, Optional<String> reverseZone) {
        public Dns {
            Rules.apiUrl("dns.api", api);
            Rules.path("dns.keyFile", keyFile);
            Rules.canonical("dns.serverId", serverId, Rules::serverId);
            Rules.canonical("dns.zone", zone, Rules::zone);
            Rules.canonical("dns.reverseZone", reverseZone, Rules::reverseZone);
        }
    }

    /**
     * A pool: {@code size} VMs named {@code <name><n>}, with node labels that always hold {@code berth.pool=<name>}
     * (added when missing), and the pool's own vSphere settings.
     */
    public record Pool(String name, int size, Map<String, String> labels, Optional<VsphereVm> vsphere) {
        public Pool {
            String field = "pools." + Rules.given("pools", name);
            Rules.canonical(field, name, Rules::poolName);
            Rules.canonical(field + ".size", size, n -> Integer.toString(n), s -> Rules.number(s, 1, 99));
            Map<String, String> given = Rules.given(field + ".labels", labels);
            if (!given.getOrDefault(POOL_LABEL, name).equals(name)) {
                throw new ConfigException(field + ".labels", "label key \"" + POOL_LABEL + "\" is the pool's name");
            }
            Map<String, String> withPool = new LinkedHashMap<>();
            withPool.put(POOL_LABEL, name);
            withPool.putAll(given);
            labels = Rules.at(field + ".labels", () -> Rules.labels(withPool));
            Rules.given(field + ".vsphere", vsphere);
        }
    }

    /** Where the VMs come from: exactly one provider. */
    public sealed interface ProviderSettings permits Lab, Vsphere {
    }

    /** The local lab ({@code lab/lab}): its name, and the agent launcher its VMs run (the build's when empty). */
    public record Lab(String name, Optional<Path> agent) implements ProviderSettings {
        public Lab {
            Rules.canonical("provider.lab.name", name, Rules::labName);
            Rules.path("provider.lab.agent", agent);
        }
    }

    /**
     * A vCenter: its SDK URL, the user and the file holding the password, the datacenter the pools live in, and how
     * many VM tasks berth runs on it at once.
     */
    public record Vsphere(URI url, String user, Path passwordFile, boolean insecure, String datacenter,
                          int parallelism) implements ProviderSettings {

        public static final int DEFAULT_PARALLELISM = 8;

        public Vsphere {
            Rules.apiUrl("provider.vsphere.url", url);
            Rules.canonical("provider.vsphere.user", user, Rules::text);
            Rules.path("provider.vsphere.passwordFile", passwordFile);
            Rules.canonical("provider.vsphere.datacenter", datacenter, Rules::text);
            Rules.canonical("provider.vsphere.parallelism", parallelism, n -> Integer.toString(n),
                    s -> Rules.number(s, 1, 64));
        }

        public Vsphere(URI url, String user, Path passwordFile, boolean insecure, String datacenter) {
            this(url, user, passwordFile, insecure, datacenter, DEFAULT_PARALLELISM);
        }
    }

    /**
     * A pool's vSphere settings: the template its VMs are cloned from and where they go. It sits under each pool, so
     * its own faults name its fields from {@code vsphere} down; the loader names the whole path.
     */
    public record VsphereVm(String template, Optional<String> folder, Optional<String> resourcePool,
                            Optional<String> datastore, Optional<String> network, boolean linkedClone,
                            Map<String, String> extraConfig) {
        public VsphereVm {
            Rules.canonical("vsphere.template", template, Rules::text);
            Rules.canonical("vsphere.folder", folder, Rules::text);
            Rules.canonical("vsphere.resourcePool", resourcePool, Rules::text);
            Rules.canonical("vsphere.datastore", datastore, Rules::text);
            Rules.canonical("vsphere.network", network, Rules::text);
            Map<String, String> given = Rules.given("vsphere.extraConfig", extraConfig);
            extraConfig = Rules.at("vsphere.extraConfig", () -> Rules.extraConfig(given));
        }
    }
}
