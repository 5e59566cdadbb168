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
                + "{'OS': 'linux', 'Architecture': 'x86_64'}, 'Engine': {'Labels': {'zone': 'a'}}}, 'Status': "
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
                state, forceUpdate);
    }

    static Task running(String service, String node) {
        return task(service, node, "running", "running");
    }
}
