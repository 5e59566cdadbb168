package io.berth.controller.flip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import io.berth.agent.retry.Retry;
import io.berth.agent.step.TransientFailure;
import io.berth.agent.swarm.Managers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Swarm as the flip reads and changes it, through the managers (failed over, every call bounded). A call that
 * no manager could answer (all unreachable, or a leader election: "the swarm does not have a leader") is tried
 * again for up to {@link #RIDE_THROUGH}, so a flip rides through a manager lost or stalled mid-move. Services
 * are read and written raw: a spec must round-trip exactly, a null UpdateConfig staying null.
 */
final class Swarm {

    /** A read-modify-write that met a newer version ("update out of sequence") is read again this often. */
    private static final int UPDATE_ATTEMPTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a call no manager answers is tried again: beyond a Raft election (about 10 s in Swarm). */
    static final Duration RIDE_THROUGH = Duration.ofSeconds(45);
    private static final Retry AGAIN = new Retry(Duration.ofMillis(250), Duration.ofSeconds(2));

    final Managers managers;

    Swarm(Managers managers) {
        this.managers = managers;
    }

    /** Nodes, services and tasks, read once. */
    record Snapshot(List<Node> nodes, List<Service> services, List<Task> tasks) {

        List<Node> pool(String pool) {
            return nodes.stream().filter(n -> pool.equals(n.pool())).toList();
        }

        Node node(String id) {
            return nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElse(null);
        }

        List<Task> tasksOf(String serviceId) {
            return tasks.stream().filter(t -> t.serviceId().equals(serviceId)).toList();
        }
    }

    Snapshot snapshot() throws Exception {
        return new Snapshot(nodes(), services(), tasks(null));
    }

    List<Node> nodes() throws Exception {
        return list("/nodes", Node::of);
    }

    List<Service> services() throws Exception {
        return list("/services", Service::of);
    }

    /** The tasks of one service, or all of them ({@code serviceId} null). */
    List<Task> tasks(String serviceId) throws Exception {
        return list(serviceId == null ? "/tasks" : "/tasks?filters=" + filters(Map.of("service", List.of(serviceId))),
                Task::of);
    }

    /** The service as stored, or with Swarm's defaults filled in ({@code insertDefaults}). */
    Service service(String id, boolean withDefaults) throws Exception {
        return Service.of(send("GET", "/services/" + id + (withDefaults ? "?insertDefaults=true" : ""), null));
    }

    /**
     * Reads the service, writes {@code change} of it at the version read; a concurrent change (out of sequence)
     * is read again and retried. {@code change} sees the service as it is now, so it decides again each time;
     * null: nothing to write.
     */
    void update(String id, Function<Service, JsonNode> change) throws Exception {
        for (int attempt = 1; ; attempt++) {
            Service now = service(id, false);
            JsonNode spec = change.apply(now);
            if (spec == null) {
                return;
            }
            try {
                send("POST", "/services/" + id + "/update?version=" + now.version(), spec);
                return;
            } catch (Exception e) {
                boolean stale = outOfSequence(e);
                if (!stale || attempt >= UPDATE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    void setAvailability(String nodeId, String availability) throws Exception {
        SwarmNodeAvailability wanted = SwarmNodeAvailability.valueOf(availability.toUpperCase(java.util.Locale.ROOT));
        AGAIN.until(Instant.now().plus(RIDE_THROUGH), Swarm::noManagerAnswered, () -> {
            managers.setAvailability(nodeId, wanted);
            return null;
        });
    }

    JsonNode send(String method, String path, Object body) throws Exception {
        return AGAIN.until(Instant.now().plus(RIDE_THROUGH), Swarm::noManagerAnswered,
                () -> managers.call(m -> m.send(method, path, body)));
    }

    /**
     * No manager could answer (each failed over to the next): worth trying again. Not a 4xx, and not "update out
     * of sequence" (a 500 every manager gives alike): the same request would meet the same answer.
     */
    static boolean noManagerAnswered(Exception e) {
        return e instanceof TransientFailure t && t.transientFailure() && !outOfSequence(e);
    }

    static boolean outOfSequence(Exception e) {
        return String.valueOf(e.getMessage()).contains("out of sequence");
    }

    static String filters(Map<String, List<String>> filters) {
        try {
            return URLEncoder.encode(JSON.writeValueAsString(filters), StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> List<T> list(String path, Function<JsonNode, T> of) throws Exception {
        JsonNode answer = send("GET", path, null);
        List<T> out = new ArrayList<>();
        answer.forEach(item -> out.add(of.apply(item)));
        return out;
    }
}
