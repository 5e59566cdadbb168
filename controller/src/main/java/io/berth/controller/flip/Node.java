package io.berth.controller.flip;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.config.BerthConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Swarm node as {@code GET /nodes} returns it, reduced to what placement and the flip need. {@code role} is
 * worker or manager, {@code availability} active, pause or drain, {@code state} ready, down…; {@code reachability}
 * is a manager's (reachable, unreachable), null for a worker; {@code resources} what its engine reports it has.
 */
record Node(String id, String hostname, String role, String availability, String state, String reachability,
            Map<String, String> labels, Map<String, String> engineLabels, String os, String arch, Room resources) {

    static Node of(JsonNode n) {
        return new Node(n.path("ID").asText(), n.path("Description").path("Hostname").asText(),
                n.path("Spec").path("Role").asText(), n.path("Spec").path("Availability").asText(),
                n.path("Status").path("State").asText(),
                n.path("ManagerStatus").isMissingNode() ? null : n.path("ManagerStatus").path("Reachability").asText(),
                strings(n.path("Spec").path("Labels")), strings(n.path("Description").path("Engine").path("Labels")),
                n.path("Description").path("Platform").path("OS").asText(),
                n.path("Description").path("Platform").path("Architecture").asText(),
                Room.of(n.path("Description").path("Resources")));
    }

    /** The pool the node belongs to (its label {@code berth.pool}), or null. */
    String pool() {
        return labels.get(BerthConfig.POOL_LABEL);
    }

    boolean manager() {
        return "manager".equals(role);
    }

    boolean ready() {
        return "ready".equals(state);
    }

    /** Where the scheduler places new tasks: Active and Ready. */
    boolean schedulable() {
        return "active".equals(availability) && ready();
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
