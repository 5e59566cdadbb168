package io.berth.agent.swarm;

import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.SwarmInfo;
import io.berth.config.AgentConfig;
import java.io.IOException;
import java.util.Optional;

/** This host's own Docker engine as the steps need it: its Swarm membership, join and leave. */
public interface LocalEngine {

    /** The engine's view of its Swarm membership; throws (transient) when it does not answer. */
    SwarmInfo swarm() throws SwarmException;

    /** Whether this engine is an active Swarm member, and with which node id. */
    default Optional<String> nodeId() throws SwarmException {
        SwarmInfo swarm = swarm();
        return swarm.getLocalNodeState() == LocalNodeState.ACTIVE
                ? Optional.ofNullable(swarm.getNodeID()) : Optional.empty();
    }

    /** Joins as a worker through {@code joinAddr} (one of the request's), held out of scheduling when asked. */
    void join(AgentConfig.HostPort joinAddr, JoinRequest request) throws IOException;

    /** Leaves the Swarm; {@code force} is needed (and dangerous) only on a manager. */
    void leave(boolean force) throws IOException;
}
