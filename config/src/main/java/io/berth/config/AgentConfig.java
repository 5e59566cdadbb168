package io.berth.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's whole configuration: one immutable value that checks its own rules when built, the rules
 * {@link ConfigLoader} reads agent.yml with (a bad value is a ConfigException naming the field: {@code dns.zone}).
 * Secrets are never held here, only the files they are read from, so they are re-read on every use; whether those
 * files can be read is the loader's check, not the record's.
 */
public record AgentConfig(Host host, Dns dns, Swarm swarm, Reconcile reconcile, Api api, Path stateDir) {

    public AgentConfig {
        Rules.given("host", host);
        Rules.given("dns", dns);
        Rules.given("swarm", swarm);
        Rules.given("reconcile", reconcile);
        Rules.given("api", api);
        Rules.absolutePath("stateDir", stateDir);
    }

    /** This host: its record's name and the address it advertises; empty means "find out". */
    public record Host(Optional<String> name, Optional<String> address) {
        public Host {
            Rules.canonical("host.name", name, Rules::hostName);
            Rules.canonical("host.address", address, Rules::ipv4);
        }
    }

    /**
     * PowerDNS: where its API is, the zones this host's records live in, and the mark the agent puts on them. The
     * nameserver's host may be in any case: by default it is the API's host as written.
     */
    public record Dns(URI api, Path apiKeyFile, String serverId, String zone, Optional<String> reverseZone,
                      HostPort nameserver, int ttl, String owner) {
        public Dns {
            Rules.apiUrl("dns.api", api);
            Rules.path("dns.apiKeyFile", apiKeyFile);
            Rules.canonical("dns.serverId", serverId, Rules::serverId);
            Rules.canonical("dns.zone", zone, Rules::zone);
            Rules.canonical("dns.reverseZone", reverseZone, Rules::reverseZone);
            Rules.hostPort("dns.nameserver", nameserver);
            Rules.positive("dns.ttl", ttl);
            Rules.canonical("dns.owner", owner, Rules::owner);
        }
    }

    /** The Swarm: the local engine, where to join, and the managers whose API changes this host's node. */
    public record Swarm(URI engine, List<HostPort> joinAddrs, Path joinTokenFile, List<URI> managerApi,
                        Optional<Tls> tls, boolean insecure, Map<String, String> labels,
                        boolean activateWhenReady, Duration drainTimeout) {
        /** The node label the agent sets to its identity: VMs, nodes and records join by it. Reserved. */
        public static final String IDENTITY_LABEL = "berth.identity";

        public Swarm {
            Rules.dockerEndpoint("swarm.engine", engine);
            joinAddrs = Rules.items("swarm.joinAddrs", joinAddrs, Rules::hostPort);
            Rules.path("swarm.joinTokenFile", joinTokenFile);
            managerApi = Rules.items("swarm.managerApi", managerApi, Rules::dockerEndpoint);
            Rules.given("swarm.tls", tls);
            Rules.plainTcp("swarm.managerApi", "swarm", managerApi, tls.isPresent(), insecure);
            Map<String, String> given = Rules.given("swarm.labels", labels);
            labels = Rules.at("swarm.labels", () -> Rules.labels(given));
            Rules.duration("swarm.drainTimeout", drainTimeout);
        }
    }

    /** How often {@code run} checks what has no events (its DNS records) even when nothing happened. */
    public record Reconcile(Duration interval) {
        public Reconcile {
            Rules.duration("reconcile.interval", interval);
        }
    }

    /** {@code run}'s HTTP API: where it listens, and the bearer token (in a file) its POST endpoints need. */
    public record Api(HostPort listen, Optional<Path> tokenFile) {
        public Api {
            Rules.hostPort("api.listen", listen);
            Rules.path("api.tokenFile", tokenFile);
        }
    }

    /**
     * Client certificate and CA for every managerApi entry (mutual TLS). It sits at {@code swarm.tls} here and at
     * {@code managers.tls} in berth.yml, so its own faults name its fields from {@code tls} down; the loaders name the
     * whole path.
     */
    public record Tls(Path ca, Path cert, Path key) {
        public Tls {
            Rules.path("tls.ca", ca);
            Rules.path("tls.cert", cert);
            Rules.path("tls.key", key);
        }
    }

    /** A host (DNS name or IP literal) and a port: a plain value; the records that hold one check it. */
    public record HostPort(String host, int port) {
        /** {@code host:port}, {@code [ipv6]:port} or a bare host, as the config reads them; bad → naming {@code field}. */
        public static HostPort parse(String field, String s, int defaultPort) {
            return Rules.at(field, () -> Rules.hostPort(s, defaultPort));
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
