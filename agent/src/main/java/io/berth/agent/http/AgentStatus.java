package io.berth.agent.http;

import java.util.Map;

/**
 * What a running agent says about itself ({@code GET /v1/status}, {@code berth-agent status}); never a secret.
 * Times are ISO-8601 strings (empty when it never happened).
 *
 * @param phase          starting, booting, ready, not-ready, shutting-down or stopped
 * @param ready          its record resolves at the nameserver and its node is Ready and Active
 * @param notReadyReason why not, when not ready
 * @param api            "serving", or why the API does not serve (then not ready)
 * @param drainedBy      who holds the node drained: "join" (our join hold), "shutdown", "operator", or empty
 * @param lastError      the last failure, one line
 */
public record AgentStatus(
        String phase,
        boolean ready,
        String notReadyReason,
        String identity,
        String fqdn,
        String address,
        String api,
        Record record,
        Node node,
        String drainedBy,
        String lastReconcile,
        String lastRepair,
        String lastRepairKind,
        String lastError,
        String lastErrorAt) {

    /** This host's DNS record as last seen: "registered", "missing", "wrong" or "unknown". */
    public record Record(String state, String a, String ptr) {
    }

    /** This host's Swarm node as last seen. */
    public record Node(String id, String state, String availability, Map<String, String> labels) {
    }
}
