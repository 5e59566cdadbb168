package io.berth.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's whole configuration: one immutable, validated value ({@link ConfigLoader} builds it).
 * Secrets are never held here, only the files they are read from, so they are re-read on every use.
 */
public record AgentConfig(Host host, Dns dns, Swarm swarm, Reconcile reconcile, Api api, Path stateDir) {

    /** This host: its record's name and the address it advertises; empty means "find out". */
    public record Host(Optional<String> name, Optional<String> address) {
    }

    /** PowerDNS: where its API is, the zones this host's records live in, and the mark the agent puts on them. */
    public record Dns(URI api, Path apiKeyFile, String serverId, String zone, Optional<String> reverseZone,
                      HostPort nameserver, int ttl, String owner) {
    }

    /** The Swarm: the local engine, where to join, and the managers whose API changes this host's node. */
    public record Swarm(URI engine, List<HostPort> joinAddrs, Path joinTokenFile, List<URI> managerApi,
                        Optional<Tls> tls, boolean insecure, Map<String, String> labels,
                        boolean activateWhenReady, Duration drainTimeout) {
    }

    /** How often {@code run} checks what has no events (its DNS records) even when nothing happened. */
    public record Reconcile(Duration interval) {
    }

    /** {@code run}'s HTTP API: where it listens, and the bearer token (in a file) its POST endpoints need. */
    public record Api(HostPort listen, Optional<Path> tokenFile) {
    }

    /** Client certificate and CA for every managerApi entry (mutual TLS). */
    public record Tls(Path ca, Path cert, Path key) {
    }

    /** A host (DNS name or IP literal) and a port. */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
