package io.berth.agent.run;

import com.github.dockerjava.api.exception.DockerException;
import io.berth.agent.dns.DnsException;
import io.berth.agent.swarm.DockerConnection;
import io.berth.agent.swarm.SwarmException;
import io.berth.config.ConfigException;

/**
 * The kind a failure counts as in {@code berth_failures_total{kind}}: {@code dns} (PowerDNS), {@code swarm} (the
 * managers), {@code engine} (the local engine) or {@code agent} (the agent's own: its state file or lock, its config,
 * this host's name or address).
 */
final class FailureKind {

    static final String DNS = "dns";
    static final String SWARM = "swarm";
    static final String ENGINE = "engine";
    static final String AGENT = "agent";

    private FailureKind() {
    }

    /** A failed step's kind, by the step: the DNS steps count as dns, the others as swarm. */
    static String ofStep(String step) {
        return switch (step) {
            case "record", "deregister" -> DNS;
            default -> SWARM;
        };
    }

    /**
     * The kind of an exception that escaped a pass outside its steps, by its type (or its causes'): the local
     * engine's, the managers', PowerDNS's; anything else is the agent's own.
     */
    static String of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConfigException) {
                return AGENT;
            }
            if (t instanceof DnsException) {
                return DNS;
            }
            if (t instanceof SwarmException swarm) {
                return swarm.fromLocalEngine() ? ENGINE : SWARM;
            }
            if (t instanceof DockerException || t instanceof DockerConnection.EngineException) {
                return SWARM;
            }
        }
        return AGENT;
    }
}
