package io.berth.agent.swarm;

import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeSpec;
import com.github.dockerjava.api.model.Task;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The Swarm's managers as the steps need them: a worker cannot change its own node, so all of this goes there. */
public interface SwarmManagers {

    /** The node with exactly this id, if the Swarm still lists it. */
    Optional<SwarmNode> node(String id) throws Exception;

    /** Every node the Swarm lists. */
    List<SwarmNode> nodes() throws Exception;

    /** The nodes carrying label {@code key=value}, whatever their number in the Swarm. */
    List<SwarmNode> nodesLabelled(String key, String value) throws Exception;

    /** Changes a node's spec at its current version (re-read and tried again when another update won). */
    void updateNode(String id, UnaryOperator<SwarmNodeSpec> change) throws Exception;

    void removeNode(String id, boolean force) throws Exception;

    /** The tasks the Swarm placed on this node. */
    List<Task> tasksOnNode(String nodeId) throws Exception;

    /** A service, or empty once it was removed. */
    Optional<Service> service(String id) throws Exception;

    List<Task> tasksOfService(String serviceId) throws Exception;
}
