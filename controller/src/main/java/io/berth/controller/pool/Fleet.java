package io.berth.controller.pool;

import io.berth.agent.dns.PowerDnsHttp;
import io.berth.agent.swarm.Managers;
import io.berth.config.BerthConfig;
import io.berth.controller.provider.Provider;
import io.berth.controller.provider.Providers;
import java.time.Duration;

/** What berth reads and changes, as berth.yml names it: the provider's VMs, the Swarm's managers, PowerDNS. */
public record Fleet(BerthConfig config, Provider provider, Managers managers, PowerDnsHttp dns)
        implements AutoCloseable {

    /** What one call to a manager or to PowerDNS may take. */
    static final Duration CALL = Duration.ofSeconds(10);

    public static Fleet open(BerthConfig config) {
        Provider provider = Providers.open(config);
        try {
            Managers managers = Managers.open(config.managers().api(), config.managers().tls(), CALL);
            PowerDnsHttp dns = new PowerDnsHttp(config.dns().api(), config.dns().keyFile(), config.dns().serverId(),
                    CALL);
            return new Fleet(config, provider, managers, dns);
        } catch (RuntimeException e) {
            provider.close();
            throw e;
        }
    }

    /** A member's record name: {@code blue1.lab.example.}. */
    String fqdn(String name) {
        return name + "." + config.dns().zone();
    }

    @Override
    public void close() {
        provider.close();
        managers.close();
        dns.close();
    }
}
