package io.berth.agent.lifecycle;

import io.berth.agent.config.AgentConfig;
import io.berth.agent.dns.DnsQuery;
import io.berth.agent.dns.Mark;
import io.berth.agent.dns.PowerDnsHttp;
import io.berth.agent.swarm.Engine;
import io.berth.agent.swarm.Managers;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything one boot or shutdown talks to, opened once from the config: this host, its journal, its
 * engine, the managers and PowerDNS. Nothing is sent until a step runs.
 */
public final class Session implements AutoCloseable {

    /** One Engine API or PowerDNS request may take this long before it counts as unanswered. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    final AgentConfig config;
    final Host host;
    final Journal journal;
    final Engine engine;
    final Managers managers;
    final PowerDnsHttp dns;
    final Mark mark;

    Session(AgentConfig config, boolean dryRun, Duration dnsRetryFor) {
        this.config = config;
        this.host = Host.discover(config, !dryRun);
        this.journal = Journal.load(config.stateDir(), host.kernelBootId(), !dryRun);
        this.engine = Engine.open(config.swarm().engine(), REQUEST_TIMEOUT);
        this.managers = Managers.open(config.swarm().managerApi(), config.swarm().tls(), REQUEST_TIMEOUT);
        AgentConfig.Dns d = config.dns();
        this.dns = new PowerDnsHttp(d.api(), d.apiKeyFile(), d.serverId(), REQUEST_TIMEOUT, dnsRetryFor);
        this.mark = new Mark(d.owner(), host.identity());
    }

    /** Why this host's A record does not resolve to its address at the configured nameserver yet, or empty. */
    Optional<String> recordNotResolving() {
        AgentConfig.HostPort ns = config.dns().nameserver();
        try {
            List<String> answer = new DnsQuery(ns.host(), ns.port(), Duration.ofSeconds(1)).a(host.fqdn());
            return answer.contains(host.address()) ? Optional.empty()
                    : Optional.of(host.fqdn() + " resolves to " + answer + " at " + ns + ", not " + host.address());
        } catch (IOException e) {
            return Optional.of("nameserver " + ns + " did not answer for " + host.fqdn());
        }
    }

    /** API requests sent so far, by kind (benchmarks print them). */
    public String calls() {
        return "powerdns=" + dns.requests() + " engine=" + engine.calls() + " managers=" + managers.calls();
    }

    @Override
    public void close() {
        engine.close();
        managers.close();
        dns.close();
    }
}
