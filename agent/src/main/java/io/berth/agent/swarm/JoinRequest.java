package io.berth.agent.swarm;

import io.berth.config.AgentConfig.HostPort;
import java.util.List;

/**
 * How to join: the managers' join addresses (the first that answers is used), the token, the address this node
 * advertises and the one it listens on, and whether it joins held out of scheduling (drain).
 */
public record JoinRequest(List<HostPort> joinAddrs, JoinToken token, String advertiseAddr, String listenAddr,
                          boolean held) {

    /** Docker's own default: the Swarm port on every interface. */
    public static final String DEFAULT_LISTEN_ADDR = "0.0.0.0:2377";

    public JoinRequest {
        joinAddrs = List.copyOf(joinAddrs);
        if (joinAddrs.isEmpty()) {
            throw new IllegalArgumentException("no join address");
        }
    }
}
