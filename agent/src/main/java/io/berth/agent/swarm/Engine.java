package io.berth.agent.swarm;

import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.SwarmInfo;
import io.berth.agent.retry.Retry;
import io.berth.agent.traffic.Traffic;
import io.berth.config.AgentConfig;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** This host's own Docker engine: is it up, is it in a Swarm, join it, leave. */
public final class Engine implements LocalEngine, AutoCloseable {

    static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(20);

    private final DockerConnection connection;
    private int calls;

    public Engine(DockerConnection connection) {
        this.connection = connection;
    }

    public static Engine open(URI endpoint, Duration timeout) {
        return new Engine(DockerConnection.open(endpoint, Optional.empty(), timeout, Traffic.to(Traffic.ENGINE)));
    }

    public URI endpoint() {
        return connection.endpoint();
    }

    /** Waits (bounded backoff) until the engine answers; throws naming the endpoint when it never does. */
    public void awaitUp(Instant deadline) throws Exception {
        try {
            new Retry(Duration.ofMillis(100), Duration.ofSeconds(1)).until(deadline, e -> true, () -> {
                calls++;
                return connection.client().pingCmd().exec();
            });
        } catch (Exception e) {
            throw SwarmException.localEngine(Swarm.unanswered("the local engine", connection.endpoint(), e));
        }
    }

    @Override
    public SwarmInfo swarm() throws SwarmException {
        try {
            calls++;
            SwarmInfo swarm = connection.client().infoCmd().exec().getSwarm();
            return swarm == null ? new SwarmInfo().withLocalNodeState(LocalNodeState.INACTIVE) : swarm;
        } catch (RuntimeException e) {
            throw SwarmException.localEngine(Swarm.unanswered("the local engine", connection.endpoint(), e));
        }
    }

    /**
     * Joins as a worker through {@code joinAddr}. docker-java's join command lacks {@code Availability}, so this
     * one call goes through the raw client. The token is read here, used once and never put in a message.
     */
    @Override
    public void join(AgentConfig.HostPort joinAddr, JoinRequest request) throws IOException {
        String token = request.token().read();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ListenAddr", request.listenAddr());
        body.put("AdvertiseAddr", request.advertiseAddr());
        body.put("RemoteAddrs", List.of(joinAddr.toString()));
        body.put("JoinToken", token);
        body.put("Availability", request.held() ? "drain" : "active");
        calls++;
        try {
            connection.send("POST", "/swarm/join", body);
        } catch (DockerConnection.EngineException e) {
            throw new DockerConnection.EngineException(e.status(), e.getMessage().replace(token, "<token>"));
        }
    }

    /**
     * Leaves the Swarm; {@code force} is needed (and dangerous) only on a manager. A leave may take longer than an
     * ordinary call (5–7 s on a node that joined a second earlier), so it has a bound of its own.
     */
    @Override
    public void leave(boolean force) throws IOException {
        calls++;
        connection.send("POST", "/swarm/leave?force=" + force, Map.of(), LEAVE_TIMEOUT);
    }

    /** Engine API requests sent so far (benchmarks report them). */
    public int calls() {
        return calls;
    }

    /** Bytes of the engine's answers received so far, HTTP heads included. */
    public long responseBytes() {
        return connection.traffic().bytes();
    }

    @Override
    public void close() {
        connection.close();
    }
}
