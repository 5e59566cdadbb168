package io.berth.agent.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.SwarmNode;
import io.berth.agent.config.AgentConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    /** Engine API requests sent so far (benchmarks report them). */
    public synchronized int calls() {
        return calls;
    }

    @Override
    public void close() {
        connections.forEach(DockerConnection::close);
    }
}
