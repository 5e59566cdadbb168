package io.berth.controller.flip;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A Swarm service as {@code GET /services} returns it: its raw spec (as stored, nothing filled in), its version
 * for the next update, and what placement and the move need from it. {@code updateState} is the
 * {@code UpdateStatus.State} (updating, completed, paused, rollback_…), null when the service has none.
 */
record Service(String id, String name, long version, JsonNode spec, String updateState, String updateMessage) {

    static Service of(JsonNode s) {
        JsonNode status = s.get("UpdateStatus");
        boolean none = status == null || status.isNull();
        return new Service(s.path("ID").asText(), s.path("Spec").path("Name").asText(),
                s.path("Version").path("Index").asLong(), s.path("Spec"),
                none ? null : status.path("State").asText(null), none ? null : status.path("Message").asText(null));
    }

    /** The same service with another update state (tests, and nothing else, make one up). */
    Service withUpdateState(String state) {
        return new Service(id, name, version, spec, state, updateMessage);
    }

    boolean replicated() {
        return spec.path("Mode").has("Replicated");
    }

    boolean global() {
        return spec.path("Mode").has("Global");
    }

    int replicas() {
        return spec.path("Mode").path("Replicated").path("Replicas").asInt(0);
    }

    List<String> constraints() {
        List<String> out = new ArrayList<>();
        spec.path("TaskTemplate").path("Placement").path("Constraints").forEach(c -> out.add(c.asText()));
        return out;
    }

    /** What each of its tasks reserves (CPU, memory); Room.NONE when nothing. */
    Room reservation() {
        return Room.of(spec.path("TaskTemplate").path("Resources").path("Reservations"));
    }

    /** Its UpdateConfig's Parallelism as the move runs it: 0 (every task at once) and unset are taken as 1. */
    long parallelism() {
        return Math.max(1, spec.path("UpdateConfig").path("Parallelism").asLong(1));
    }

    /** {@code max_replicas_per_node}; 0 when unlimited. */
    long maxReplicasPerNode() {
        return spec.path("TaskTemplate").path("Placement").path("MaxReplicas").asLong(0);
    }

    /** Published ports in host mode: a start-first replacement on the same node could not bind them. */
    List<Integer> hostModePorts() {
        List<Integer> out = new ArrayList<>();
        spec.path("EndpointSpec").path("Ports").forEach(p -> {
            if ("host".equals(p.path("PublishMode").asText())) {
                out.add(p.path("PublishedPort").asInt());
            }
        });
        return out;
    }

    /** Carries berth's label: a move was started and its original settings are not restored yet. */
    boolean moving() {
        return MoveSettings.label(spec) != null;
    }
}
