package io.berth.controller.flip;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A task as {@code GET /tasks} returns it: its service, its node, the state wanted and the state it is in, and the
 * {@code ForceUpdate} of the spec it runs (which tells a service's own tasks from a move's), and what it reserves.
 */
record Task(String id, String serviceId, String nodeId, String desiredState, String state, long forceUpdate,
            Room reserved) {

    static Task of(JsonNode t) {
        return new Task(t.path("ID").asText(), t.path("ServiceID").asText(), t.path("NodeID").asText(null),
                t.path("DesiredState").asText(), t.path("Status").path("State").asText(),
                t.path("Spec").path("ForceUpdate").asLong(0),
                Room.of(t.path("Spec").path("Resources").path("Reservations")));
    }

    /** Meant to run: the scheduler counts it against the service's replicas, whatever its state now. */
    boolean wanted() {
        return "running".equals(desiredState);
    }

    boolean running() {
        return wanted() && "running".equals(state);
    }
}
