package io.berth.controller.flip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/** Nodes, services and tasks shaped as the Engine API returns them. */
final class Fixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Node node(String id, String pool, String role, String availability) {
        String labels = pool == null ? "{}" : "{'berth.pool': '" + pool + "'}";
        return Node.of(json("{'ID': '" + id + "', 'Spec': {'Role': '" + role + "', 'Availability': '" + availability
                + "', 'Labels': " + labels + "}, 'Description': {'Hostname': '" + id + "-host', 'Platform': "
                + "{'OS': 'linux', 'Architecture': 'x86_64'}, 'Engine': {'Labels': {'zone': 'a'}}, "
                + "'Resources': {'NanoCPUs': 2000000000, 'MemoryBytes': 4294967296}}, 'Status': "
                + "{'State': 'ready'}" + (role.equals("manager") ? ", 'ManagerStatus': {'Reachability': 'reachable'}"
                : "") + "}"));
    }

    /** A replicated service; {@code extra} is more of its spec, e.g. {@code 'EndpointSpec': {...}}. */
    static Service replicated(String id, int replicas, List<String> constraints, String extra) {
        String c = constraints.stream().map(s -> "'" + s + "'").reduce((a, b) -> a + ", " + b).orElse("");
        return Service.of(json("{'ID': '" + id + "', 'Version': {'Index': 7}, 'Spec': {'Name': '" + id
                + "', 'Mode': {'Replicated': {'Replicas': " + replicas + "}}, 'TaskTemplate': {'Placement': "
                + "{'Constraints': [" + c + "]}}" + (extra.isEmpty() ? "" : ", " + extra) + "}}"));
    }

    /** The service with a reservation per task; its tasks made by {@link #reserving(Task, Room)}. */
    static Service reserving(Service service, Room each) {
        com.fasterxml.jackson.databind.node.ObjectNode raw = JSON.createObjectNode();
        raw.put("ID", service.id());
        raw.putObject("Version").put("Index", service.version());
        com.fasterxml.jackson.databind.node.ObjectNode spec = service.spec().deepCopy();
        spec.withObjectProperty("TaskTemplate").putObject("Resources").putObject("Reservations")
                .put("NanoCPUs", each.nanoCpus()).put("MemoryBytes", each.memoryBytes());
        raw.set("Spec", spec);
        return Service.of(raw);
    }

    static Task reserving(Task task, Room each) {
        return new Task(task.id(), task.serviceId(), task.nodeId(), task.desiredState(), task.state(),
                task.forceUpdate(), each);
    }

    static Service global(String id) {
        return Service.of(json("{'ID': '" + id + "', 'Version': {'Index': 3}, 'Spec': {'Name': '" + id
                + "', 'Mode': {'Global': {}}}}"));
    }

    static Task task(String service, String node, String desired, String state) {
        return task(service, node, desired, state, 0);
    }

    /** A task of the spec whose ForceUpdate is {@code forceUpdate}. */
    static Task task(String service, String node, String desired, String state, long forceUpdate) {
        return new Task(service + "." + node + "." + desired + "." + state + "." + forceUpdate, service, node, desired,
                state, forceUpdate, Room.NONE);
    }

    static Task running(String service, String node) {
        return task(service, node, "running", "running");
    }
}
