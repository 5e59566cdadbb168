package io.berth.agent.swarm;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.SwarmNodeSpec;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmInfo;
import io.berth.agent.retry.CallBound;
import io.berth.agent.traffic.Traffic;
import io.berth.config.AgentConfig;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The Swarm's managers as one endpoint: each call goes to the first manager that answers. A worker
 * cannot change its own node; drain, labels and removal all go through here.
 */
public final class Managers implements SwarmManagers, AutoCloseable {

    /** A call against one manager's API. */
    @FunctionalInterface
    public interface Call<T> {
        T apply(DockerConnection manager) throws Exception;
    }

    /** A node update with a stale version ("update out of sequence") is read again and retried this often. */
    private static final int UPDATE_ATTEMPTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final List<DockerConnection> connections;
    /** What one call may take without a window set by its step (the connections' own request timeout). */
    private final Duration timeout;
    private volatile int preferred;
    private int calls;

    public Managers(List<DockerConnection> connections, Duration timeout) {
        this.connections = List.copyOf(connections);
        this.timeout = timeout;
    }

    public static Managers open(List<URI> endpoints, Optional<AgentConfig.Tls> tls, Duration timeout) {
        List<DockerConnection> connections = new ArrayList<>();
        Traffic traffic = Traffic.to(Traffic.MANAGERS); // one count for all of them, as calls()
        for (URI endpoint : endpoints) {
            connections.add(DockerConnection.open(endpoint, tls, timeout, traffic));
        }
        return new Managers(connections, timeout);
    }

    /**
     * Runs the call on the manager that answered last, else on the others in order. A manager that cannot be
     * reached, does not answer in time, or answers 5xx (demoted: "not a swarm manager"; "does not have a leader")
     * passes the call on; a 4xx is about the request itself and is final. Each attempt gets an equal share of what
     * is left of the current {@link CallBound} window, so one stalled manager cannot use up the time of the others.
     * When every manager failed, the failure names each one and is transient.
     */
    public <T> T call(Call<T> call) throws Exception {
        List<String> failures = new ArrayList<>();
        int start = preferred;
        for (int i = 0; i < connections.size(); i++) {
            int index = (start + i) % connections.size();
            DockerConnection connection = connections.get(index);
            Instant share = Instant.now().plus(CallBound.left(timeout).dividedBy(connections.size() - i));
            try {
                synchronized (this) {
                    calls++;
                }
                T result = CallBound.within(share, () -> call.apply(connection));
                preferred = index;
                return result;
            } catch (DockerException | DockerConnection.EngineException answered) {
                int status = answered instanceof DockerException d ? d.getHttpStatus()
                        : ((DockerConnection.EngineException) answered).status();
                if (status < 500) {
                    preferred = index;
                    throw answered;
                }
                failures.add("manager " + connection.endpoint() + " answered " + Swarm.describe(answered));
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception unreachable) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("interrupted while calling manager " + connection.endpoint());
                }
                failures.add(Swarm.unanswered("manager", connection.endpoint(), unreachable));
            }
        }
        throw new SwarmException((failures.size() == 1 ? "" : "no manager answered: ") + String.join("; ", failures),
                true);
    }

    /** Whether this endpoint is a manager now (a demoted one still answers, as a worker); throws when it is not. */
    private static void requireManager(DockerClient client) throws SwarmException {
        SwarmInfo swarm = client.infoCmd().exec().getSwarm();
        if (swarm == null || !Boolean.TRUE.equals(swarm.getControlAvailable())) {
            throw new SwarmException("not a swarm manager (demoted?)", true);
        }
    }

    @Override
    public Optional<SwarmNode> node(String id) throws Exception {
        // The API's id filter matches by prefix: compare exactly.
        return call(m -> m.client().listSwarmNodesCmd().withIdFilter(List.of(id)).exec()).stream()
                .filter(n -> id.equals(n.getId()))
                .findFirst();
    }

    @Override
    public List<SwarmNode> nodes() throws Exception {
        return call(m -> m.client().listSwarmNodesCmd().exec());
    }

    /** Through the raw API: docker-java's node filters do not cover labels. */
    @Override
    public List<SwarmNode> nodesLabelled(String key, String value) throws Exception {
        String filters = JSON.writeValueAsString(Map.of("node.label", List.of(key + "=" + value)));
        JsonNode answer = call(m -> m.send("GET", "/nodes?filters=" + URLEncoder.encode(filters, StandardCharsets.UTF_8),
                null));
        return JSON.convertValue(answer, new TypeReference<List<SwarmNode>>() { });
    }

    @Override
    public void updateNode(String nodeId, UnaryOperator<SwarmNodeSpec> change) throws Exception {
        for (int attempt = 1; ; attempt++) {
            SwarmNode node = node(nodeId).orElseThrow(
                    () -> new SwarmException("the managers do not list node " + nodeId, false));
            SwarmNodeSpec spec = change.apply(node.getSpec());
            try {
                call(m -> {
                    m.client().updateSwarmNodeCmd().withSwarmNodeId(nodeId).withVersion(node.getVersion().getIndex())
                            .withSwarmNodeSpec(spec).exec();
                    return null;
                });
                return;
            } catch (DockerException | SwarmException e) {
                // A stale version is a 500, so the managers pass it on and it may come back inside a SwarmException.
                boolean stale = Swarm.describe(e).contains("out of sequence");
                if (attempt >= UPDATE_ATTEMPTS || !stale) {
                    throw new SwarmException("cannot update node " + nodeId + ": " + Swarm.describe(e),
                            !stale && e instanceof SwarmException s && s.transientFailure());
                }
            }
        }
    }

    @Override
    public void removeNode(String id, boolean force) throws Exception {
        call(m -> {
            m.client().removeSwarmNodeCmd(id).withForce(force).exec();
            return null;
        });
    }

    @Override
    public List<Task> tasksOnNode(String nodeId) throws Exception {
        return call(m -> m.client().listTasksCmd().withNodeFilter(nodeId).exec());
    }

    @Override
    public Optional<Service> service(String id) throws Exception {
        try {
            return Optional.of(call(m -> m.client().inspectServiceCmd(id).exec()));
        } catch (NotFoundException removed) {
            return Optional.empty();
        }
    }

    @Override
    public List<Task> tasksOfService(String serviceId) throws Exception {
        return call(m -> m.client().listTasksCmd().withServiceFilter(serviceId).exec());
    }

    /** Sets a node's availability (drain or active) through a manager. */
    public void setAvailability(String nodeId, SwarmNodeAvailability availability) throws Exception {
        updateNode(nodeId, spec -> spec.withAvailability(availability));
    }

    /**
     * Follows the Swarm's node events on the first manager that answers, until the stream ends or fails: node
     * events exist only on a manager's stream (a worker's engine is not told it was removed).
     */
    public void followNodeEvents(Consumer<Event> onEvent) throws Exception {
        call(m -> {
            requireManager(m.client()); // a worker's stream carries no node events: it would look quiet forever
            return m.client().eventsCmd().withEventTypeFilter(EventType.NODE).exec(new ResultCallback.Adapter<Event>() {
                @Override
                public void onNext(Event event) {
                    onEvent.accept(event);
                }
            }).awaitCompletion();
        });
    }

    /** Engine API requests sent so far (benchmarks report them). */
    public synchronized int calls() {
        return calls;
    }

    /** Bytes of the managers' answers received so far, HTTP heads included (a connection shared is counted once). */
    public long responseBytes() {
        return connections.stream().map(DockerConnection::traffic).distinct().mapToLong(Traffic::bytes).sum();
    }

    @Override
    public void close() {
        connections.forEach(DockerConnection::close);
    }
}
