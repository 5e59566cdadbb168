package io.berth.agent.ansible;

import io.berth.agent.facts.HostFacts;
import io.berth.agent.facts.LocalFacts;
import io.berth.agent.http.AgentStatus;
import io.berth.agent.lifecycle.Host;
import io.berth.agent.run.StatusCommand;
import io.berth.agent.state.StateStore;
import io.berth.config.AgentConfig;
import io.berth.config.ConfigLoader;
import io.berth.config.StatusConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The facts {@code berth-agent facts} and the setup module return: the host's, under Ansible's names, and {@code
 * ansible_local.berth}. Without a configuration file they are still gathered: the default route's interface is
 * {@code ansible_default_ipv4}, and the local facts come from the default stateDir and API address.
 */
final class AgentFacts {

    private AgentFacts() {
    }

    static Map<String, Object> gather(Optional<Path> configPath) {
        Optional<AgentConfig> config = configured(configPath);
        // The address this host advertises picks ansible_default_ipv4 where there is no default route (a lab host).
        String advertised = config.map(c -> c.host().address().orElseGet(() -> {
            try {
                return Host.discover(c, false).address();
            } catch (RuntimeException noRoute) {
                return "";
            }
        })).orElse("");
        Map<String, Object> facts = new LinkedHashMap<>(HostFacts.gather(advertised));
        facts.put("ansible_local", Map.of("berth", local(configPath, config.isPresent())));
        return facts;
    }

    /** {@code ansible_local.berth} alone: what facts.d/berth.fact prints. */
    static Map<String, Object> local(Optional<Path> configPath, boolean configured) {
        StatusConfig where = configured ? ConfigLoader.loadForStatus(configPath, System.getenv())
                : new StatusConfig(new AgentConfig.HostPort("127.0.0.1", 9813), ConfigLoader.DEFAULT_STATE_DIR);
        Optional<AgentStatus> live = StatusCommand.running(where.apiListen());
        Optional<AgentStatus> status = live.or(() -> StatusCommand.lastWritten(where.stateDir()));
        return LocalFacts.of(status, live.isPresent(), StateStore.peek(where.stateDir()));
    }

    /** The configuration when there is one (an explicit path must exist and be valid). */
    static Optional<AgentConfig> configured(Optional<Path> configPath) {
        if (configPath.isEmpty() && ConfigLoader.DEFAULT_PATHS.stream().noneMatch(java.nio.file.Files::isRegularFile)) {
            return Optional.empty();
        }
        return Optional.of(ConfigLoader.load(configPath, System.getenv()));
    }
}
