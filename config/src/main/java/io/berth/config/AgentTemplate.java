package io.berth.config;

import io.berth.config.AgentConfig.Tls;
import io.berth.config.Bundle.Secrets;
import io.berth.config.Bundle.TlsPem;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * berth.yml's {@code agent:} section, validated as the agent validates its own file: what every clone's agent gets.
 * Its files ({@code dns.apiKeyFile}, {@code swarm.joinTokenFile}, {@code api.tokenFile}, {@code swarm.tls}) are on the
 * controller's machine; {@link #bundle} carries their content to a VM. {@code section.stateDir} is not used: the
 * state directory, like the host name, is set per VM.
 */
public record AgentTemplate(AgentConfig section) {

    /** Why berth.yml may not set a key of the agent's own. */
    static final String PER_VM = "set per VM by berth";

    public AgentTemplate {
        Rules.given("agent", section);
        if (section.host().name().isPresent()) {
            throw new ConfigException("agent.host.name", PER_VM);
        }
        if (section.host().address().isPresent()) {
            throw new ConfigException("agent.host.address", PER_VM);
        }
        if (section.swarm().labels().containsKey(BerthConfig.POOL_LABEL)) {
            throw new ConfigException("agent.swarm.labels",
                    "label key \"" + BerthConfig.POOL_LABEL + "\" is reserved: berth sets it per pool");
        }
    }

    /**
     * One VM's bundle: this section with the VM's host name, its state directory {@code root/var/lib/berth}, the
     * section's labels plus {@code poolLabels}, and {@code engine} if given; its files under {@code root/etc/berth}
     * ({@code agent.yml}, {@code secrets/}, {@code tls/}). The secrets are read from the controller's files now.
     */
    public Bundle bundle(String hostName, Map<String, String> poolLabels, Path root, Optional<URI> engine) {
        Rules.absolutePath("root", root);
        Path etc = root.resolve("etc/berth");
        Path secrets = etc.resolve("secrets");
        Path tls = etc.resolve("tls");
        AgentConfig.Dns dns = section.dns();
        AgentConfig.Swarm swarm = section.swarm();
        Map<String, String> labels = new LinkedHashMap<>(swarm.labels());
        labels.putAll(Rules.given("poolLabels", poolLabels));
        AgentConfig config = new AgentConfig(
                new AgentConfig.Host(Optional.of(Rules.given("host.name", hostName)), Optional.empty()),
                new AgentConfig.Dns(dns.api(), secrets.resolve("dns-api-key"), dns.serverId(), dns.zone(),
                        dns.reverseZone(), dns.nameserver(), dns.ttl(), dns.owner()),
                new AgentConfig.Swarm(Rules.given("engine", engine).orElse(swarm.engine()), swarm.joinAddrs(),
                        secrets.resolve("join-token"), swarm.managerApi(),
                        swarm.tls().map(t -> new Tls(tls.resolve("ca.pem"), tls.resolve("cert.pem"),
                                tls.resolve("key.pem"))),
                        swarm.insecure(), labels, swarm.activateWhenReady(), swarm.drainTimeout()),
                section.reconcile(),
                new AgentConfig.Api(section.api().listen(), section.api().tokenFile().map(p -> secrets.resolve("api-token"))),
                root.resolve("var/lib/berth"));
        return new Bundle(etc.resolve("agent.yml"), config, new Secrets(
                Rules.at("agent.swarm.joinTokenFile", () -> Rules.joinToken(swarm.joinTokenFile())),
                Rules.at("agent.dns.apiKeyFile", () -> Rules.apiKey(dns.apiKeyFile())),
                section.api().tokenFile().map(p -> Rules.at("agent.api.tokenFile", () -> Rules.apiKey(p))),
                swarm.tls().map(t -> new TlsPem(
                        Rules.at("agent.swarm.tls.ca", () -> Rules.pem(t.ca())),
                        Rules.at("agent.swarm.tls.cert", () -> Rules.pem(t.cert())),
                        Rules.at("agent.swarm.tls.key", () -> Rules.pem(t.key()))))));
    }
}
