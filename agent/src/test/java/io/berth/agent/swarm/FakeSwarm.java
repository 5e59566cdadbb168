package io.berth.agent.swarm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.ObjectVersion;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.SwarmInfo;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import com.github.dockerjava.api.model.SwarmNodeSpec;
import com.github.dockerjava.api.model.SwarmNodeState;
import com.github.dockerjava.api.model.SwarmNodeStatus;
import com.github.dockerjava.api.model.Task;
import io.berth.config.AgentConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The local engine and the managers of one Swarm, in memory, for unit tests of the steps' decisions. It records
 * what was asked ({@link #calls}) and can fail the managers ({@link #managersDown}) or the engine ({@link #engineDown}).
 * {@link #beforeChange} runs before each change, so a test can look at what was recorded before the act.
 */
final class FakeSwarm implements LocalEngine, SwarmManagers {

    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, SwarmNode> nodes = new LinkedHashMap<>();
    final List<Task> tasks = new ArrayList<>();
    final Map<String, Service> services = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    LocalNodeState localState = LocalNodeState.INACTIVE;
    String localNodeId = "";
    boolean managersDown;
    boolean engineDown;
    Runnable beforeChange = () -> { };
    private int joined;

    static SwarmNode node(String id, SwarmNodeAvailability availability, SwarmNodeState state,
                          Map<String, String> labels) {
        return new SwarmNode().withId(id).withVersion(new ObjectVersion().withIndex(1L))
                .withSpec(new SwarmNodeSpec().withAvailability(availability).withLabels(new HashMap<>(labels)))
                .withStatus(new SwarmNodeStatus().withState(state));
    }

    /** A task of {@code service} in {@code slot} on {@code node}, desired and actually running. */
    static Task task(String id, String service, int slot, String node) {
        try {
            return JSON.readValue("""
                    {"ID": "%s", "ServiceID": "%s", "Slot": %d, "NodeID": "%s", "DesiredState": "running",
                     "Status": {"State": "running"}}""".formatted(id, service, slot, node), Task.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void service(String id, int replicas) {
        services.put(id, new Service().withId(id).withSpec(new ServiceSpec().withName(id).withMode(
                new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(replicas)))));
    }

    /** This engine is in the Swarm as {@code id}, and the managers list it so. */
    void inSwarm(String id, SwarmNodeAvailability availability) {
        localState = LocalNodeState.ACTIVE;
        localNodeId = id;
        nodes.put(id, node(id, availability, SwarmNodeState.READY, Map.of()));
    }

    private void managers() throws SwarmException {
        if (managersDown) {
            throw new SwarmException("manager tcp://m1:2375 did not answer: Connection refused", true);
        }
    }

    // ---- LocalEngine

    @Override
    public SwarmInfo swarm() throws SwarmException {
        if (engineDown) {
            throw new SwarmException("the local engine unix:///run/docker.sock did not answer GET /info", true);
        }
        return new SwarmInfo().withLocalNodeState(localState).withNodeID(localNodeId).withControlAvailable(false);
    }

    @Override
    public void join(AgentConfig.HostPort joinAddr, JoinRequest request) {
        boolean held = request.held();
        beforeChange.run();
        String id = "new" + ++joined;
        calls.add("join " + (held ? "held" : "active"));
        inSwarm(id, held ? SwarmNodeAvailability.DRAIN : SwarmNodeAvailability.ACTIVE);
    }

    @Override
    public void leave(boolean force) {
        beforeChange.run();
        calls.add("leave" + (force ? " forced" : ""));
        localState = LocalNodeState.INACTIVE;
        localNodeId = "";
    }

    // ---- SwarmManagers

    @Override
    public Optional<SwarmNode> node(String id) throws Exception {
        managers();
        return Optional.ofNullable(nodes.get(id));
    }

    @Override
    public List<SwarmNode> nodes() throws Exception {
        managers();
        calls.add("nodes");
        return List.copyOf(nodes.values());
    }

    @Override
    public List<SwarmNode> nodesLabelled(String key, String value) throws Exception {
        managers();
        calls.add("nodes labelled " + key + "=" + value);
        return nodes.values().stream()
                .filter(n -> n.getSpec().getLabels() != null && value.equals(n.getSpec().getLabels().get(key)))
                .toList();
    }

    @Override
    public void updateNode(String id, UnaryOperator<SwarmNodeSpec> change) throws Exception {
        managers();
        beforeChange.run();
        SwarmNode node = nodes.get(id);
        calls.add("update " + id);
        node.withSpec(change.apply(node.getSpec()));
    }

    @Override
    public void removeNode(String id, boolean force) throws Exception {
        managers();
        beforeChange.run();
        calls.add("remove " + id + (force ? " forced" : ""));
        nodes.remove(id);
    }

    @Override
    public List<Task> tasksOnNode(String nodeId) throws Exception {
        managers();
        return tasks.stream().filter(t -> nodeId.equals(t.getNodeId())).toList();
    }

    @Override
    public Optional<Service> service(String id) throws Exception {
        managers();
        return Optional.ofNullable(services.get(id));
    }

    @Override
    public List<Task> tasksOfService(String serviceId) throws Exception {
        managers();
        return tasks.stream().filter(t -> serviceId.equals(t.getServiceId())).toList();
    }
}
