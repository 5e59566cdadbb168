package io.berth.agent.lifecycle;

import io.berth.agent.dns.DnsLookup;
import io.berth.agent.dns.DnsQuery;
import io.berth.agent.dns.Mark;
import io.berth.agent.dns.PowerDnsHttp;
import io.berth.agent.swarm.Engine;
import io.berth.agent.state.StateStore;
import io.berth.agent.swarm.Managers;
import io.berth.config.AgentConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Everything boot, shutdown and the run daemon talk to, opened once from the config: the engine, the
 * managers and PowerDNS; and what may change between two passes of the daemon, re-read by {@link #refresh()}:
 * this host (its address) and its state. Nothing is sent until a step runs.
 */
public final class Session implements AutoCloseable {

    /** One Engine API or PowerDNS request may take this long before it counts as unanswered. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** One DNS query to dns.nameserver (retried once). */
    static final Duration DNS_TIMEOUT = Duration.ofSeconds(1);

    private final AgentConfig config;
    private final boolean dryRun;
    private final Engine engine;
    private final Managers managers;
    private final PowerDnsHttp dns;
    private final DnsQuery nameserver;
    private volatile Host host;
    private volatile StateStore state;
    /** The node id the stale-node step last found clean for: a stale node appears only with a new node id. */
    private final AtomicReference<String> staleScannedFor = new AtomicReference<>();
    private volatile Mark mark;

    public Session(AgentConfig config, boolean dryRun, Duration dnsRetryFor) {
        this.config = config;
        this.dryRun = dryRun;
        this.engine = Engine.open(config.swarm().engine(), REQUEST_TIMEOUT);
        this.managers = Managers.open(config.swarm().managerApi(), config.swarm().tls(), REQUEST_TIMEOUT);
        AgentConfig.Dns d = config.dns();
        this.dns = new PowerDnsHttp(d.api(), d.apiKeyFile(), d.serverId(), REQUEST_TIMEOUT, dnsRetryFor);
        this.nameserver = new DnsQuery(d.nameserver().host(), d.nameserver().port(), DNS_TIMEOUT);
        try {
            refresh();
        } catch (RuntimeException e) {
            close(); // the run daemon tries again later: leave no clients open behind
            throw e;
        }
    }

    /** Re-reads this host (its address may have changed) and the state (another action may have written it). */
    public void refresh() {
        Host now = Host.discover(config, !dryRun);
        this.state = StateStore.open(config.stateDir(), now.kernelBootId(), !dryRun);
        this.mark = new Mark(config.dns().owner(), now.identity());
        this.host = now;
    }

    public AgentConfig config() { return config; }
    public Host host() { return host; }
    public StateStore state() { return state; }
    AtomicReference<String> staleScannedFor() { return staleScannedFor; }
    public Mark mark() { return mark; }
    public Engine engine() { return engine; }
    public Managers managers() { return managers; }
    public PowerDnsHttp dns() { return dns; }
    /** The authoritative nameserver (dns.nameserver), over UDP. */
    public DnsLookup nameserver() { return nameserver; }

    /** Why this host's A record does not resolve to its address at the configured nameserver yet, or empty. */
    public Optional<String> recordNotResolving() {
        AgentConfig.HostPort ns = config.dns().nameserver();
        Host h = host;
        try {
            List<String> answer = nameserver.a(h.fqdn());
            return answer.contains(h.address()) ? Optional.empty()
                    : Optional.of(h.fqdn() + " resolves to " + answer + " at " + ns + ", not " + h.address());
        } catch (IOException e) {
            return Optional.of("nameserver " + ns + " did not answer for " + h.fqdn());
        }
    }

    /** API requests sent so far and the bytes of their answers, by kind (benchmarks print them). */
    public String calls() {
        return counted().toString();
    }

    /** The counts behind {@link #calls()}, now. */
    public Calls counted() {
        return new Calls(dns.requests(), dns.responseBytes(), engine.calls(), engine.responseBytes(),
                managers.calls(), managers.responseBytes());
    }

    /** Requests sent and response bytes received, by kind: PowerDNS, the local engine, the managers. */
    public record Calls(long powerdns, long powerdnsBytes, long engine, long engineBytes, long managers,
                        long managersBytes) {

        /** What was sent and received since {@code earlier}. */
        public Calls since(Calls earlier) {
            return new Calls(powerdns - earlier.powerdns, powerdnsBytes - earlier.powerdnsBytes,
                    engine - earlier.engine, engineBytes - earlier.engineBytes, managers - earlier.managers,
                    managersBytes - earlier.managersBytes);
        }

        /** {@code requests: powerdns 2 (9120 B), engine 1 (2301 B), managers 2 (1840 B)} */
        @Override
        public String toString() {
            return "requests: powerdns " + powerdns + " (" + powerdnsBytes + " B), engine " + engine + " ("
                    + engineBytes + " B), managers " + managers + " (" + managersBytes + " B)";
        }
    }

    @Override
    public void close() {
        engine.close();
        managers.close();
        dns.close();
    }
}
