package io.berth.agent.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.SwarmNode;
import io.berth.agent.config.AgentConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Swarm's managers as one endpoint: each call goes to the first manager that answers. A worker
 * cannot change its own node; drain, labels and removal all go through here.
 */
public final class Managers implements AutoCloseable {

    /** A call against one manager's API. */
    @FunctionalInterface
    public interface Call<T> {
        T apply(DockerClient manager) throws Exception;
    }

    private final List<DockerConnection> connections;
    private volatile int preferred;
    private int calls;

    public Managers(List<DockerConnection> connections) {
        this.connections = List.copyOf(connections);
    }

    public static Managers open(List<URI> endpoints, Optional<AgentConfig.Tls> tls, Duration timeout) {
        List<DockerConnection> connections = new ArrayList<>();
        for (URI endpoint : endpoints) {
            connections.add(DockerConnection.open(endpoint, tls, timeout));
        }
        return new Managers(connections);
    }

    /**
     * Runs the call on the manager that answered last, else on the others in order. An answer that is an
     * Engine API error (4xx, 5xx) is final; only a manager that cannot be reached passes the call on.
     */
    public <T> T call(Call<T> call) throws Exception {
        Exception last = null;
        for (int i = 0; i < connections.size(); i++) {
            int index = (preferred + i) % connections.size();
            DockerConnection connection = connections.get(index);
            try {
                synchronized (this) {
                    calls++;
                }
                T result = call.apply(connection.client());
                preferred = index;
                return result;
            } catch (DockerException answered) {
                throw answered;
            } catch (Exception unreachable) {
                last = new SwarmException("manager " + connection.endpoint() + " did not answer: "
                        + Swarm.describe(unreachable), true);
            }
        }
        throw last;
    }

    /** The node with exactly this id (the API's id filter matches by prefix), if the Swarm still lists it. */
    public Optional<SwarmNode> node(String id) throws Exception {
        return call(m -> m.listSwarmNodesCmd().withIdFilter(List.of(id)).exec()).stream()
                .filter(n -> id.equals(n.getId()))
                .findFirst();
    }

    /** Sets a node's availability (drain or active) through a manager. */
    public void setAvailability(String nodeId, SwarmNodeAvailability availability) throws Exception {
        Nodes.update(this, nodeId, spec -> spec.withAvailability(availability));
    }

    /**
     * Follows the Swarm's node events on the first manager that answers, until the stream ends or fails: node
     * events exist only on a manager's stream (a worker's engine is not told it was removed).
     */
    public void followNodeEvents(Consumer<Event> onEvent) throws Exception {
        call(m -> m.eventsCmd().withEventTypeFilter(EventType.NODE).exec(new ResultCallback.Adapter<Event>() {
            @Override
            public void onNext(Event event) {
                onEvent.accept(event);
            }
        }).awaitCompletion());
    }

    /** Engine API requests sent so far (benchmarks report them). */
    public synchronized int calls() {
        return calls;
    }

    @Override
    public void close() {
        connections.forEach(DockerConnection::close);
    }
}
