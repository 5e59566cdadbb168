package io.berth.agent.run;

import io.berth.agent.http.AgentStatus;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.SwarmNode;
import io.berth.agent.lifecycle.Host;
import io.berth.agent.state.StateFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The daemon's status as it changes, served by the API and kept in {@code stateDir/status.json} (written
 * atomically) so {@code berth-agent status} can show the last known state when no agent runs.
 */
final class StatusBoard {

    static final String FILE = "status.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path stateDir;
    private String phase = "starting";
    private Host host;
    private boolean ready;
    private String notReadyReason = "starting";
    private AgentStatus.Record record = new AgentStatus.Record("unknown", "", "");
    private AgentStatus.Node node = new AgentStatus.Node("", "unknown", "unknown", Map.of());
    private String drainedBy = "";
    private String lastReconcile = "";
    private String lastRepair = "";
    private String lastRepairKind = "";
    private String lastError = "";
    private String lastErrorAt = "";
    private String apiProblem = "";

    StatusBoard(Path stateDir, Host host) {
        this.stateDir = stateDir;
        this.host = host;
    }

    synchronized void phase(String phase) {
        this.phase = phase;
        save();
    }

    /** This host as the last pass found it (its address may have moved). */
    synchronized void host(Host host) {
        this.host = host;
    }

    synchronized void failed(String error) {
        lastError = error;
        lastErrorAt = Instant.now().toString();
        if (!ready) {
            notReadyReason = error; // until a pass can look at the record and the node, the error is the reason
        }
        save();
    }

    synchronized void repaired(String kind) {
        lastRepair = Instant.now().toString();
        lastRepairKind = kind;
        save();
    }

    /** The record step's "after" state: {"A": …, "PTR": …}. */
    synchronized void record(Object after) {
        if (after instanceof Map<?, ?> map) {
            record = new AgentStatus.Record(record.state(), map.containsKey("A") ? String.valueOf(map.get("A")) : "",
                    map.containsKey("PTR") ? String.valueOf(map.get("PTR")) : "");
        }
    }

    synchronized void observed(Optional<SwarmNode> seen, String drainedBy, boolean recordResolves, String reason) {
        this.drainedBy = drainedBy;
        this.ready = reason == null;
        this.notReadyReason = reason == null ? "" : reason;
        this.record = new AgentStatus.Record(recordResolves ? "registered" : "missing or wrong", record.a(),
                record.ptr());
        this.node = seen.map(n -> new AgentStatus.Node(n.getId(), lower(n.getStatus().getState()),
                        lower(n.getSpec().getAvailability()),
                        new TreeMap<>(Optional.ofNullable(n.getSpec().getLabels()).orElse(Map.of()))))
                .orElse(new AgentStatus.Node("", "absent", "", Map.of()));
        if (ready && !phase.equals("shutting-down")) {
            phase = "ready";
        } else if (!phase.equals("shutting-down")) {
            phase = "not-ready";
        }
        save();
    }

    /** A pass failed: not ready, for this reason, until a pass succeeds. */
    synchronized void notReady(String reason) {
        ready = false;
        notReadyReason = reason;
        if (!phase.equals("shutting-down")) {
            phase = "not-ready";
        }
        save();
    }

    /** Whether the API serves: empty once it does, else why not (the agent is then not ready). */
    synchronized void api(String problem) {
        apiProblem = problem;
        save();
    }

    synchronized void reconciled() {
        lastReconcile = Instant.now().toString();
        save();
    }

    /** An API that does not serve makes the host not ready whatever the last pass found: nothing can ask it. */
    synchronized AgentStatus status() {
        boolean serving = apiProblem.isEmpty();
        String shownPhase = !serving && phase.equals("ready") ? "not-ready" : phase;
        return new AgentStatus(shownPhase, ready && serving, serving ? notReadyReason : apiProblem, host.identity(),
                host.fqdn(), host.address(), serving ? "serving" : apiProblem, record, node, drainedBy, lastReconcile,
                lastRepair, lastRepairKind, lastError, lastErrorAt);
    }

    /** The last status a daemon wrote, if any. */
    static Optional<AgentStatus> load(Path stateDir) {
        try {
            return Optional.of(JSON.readValue(stateDir.resolve(FILE).toFile(), AgentStatus.class));
        } catch (IOException absent) {
            return Optional.empty();
        }
    }

    private void save() {
        try {
            StateFile.write(stateDir.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(status()));
        } catch (IOException e) {
            // Status on disk is a convenience; the API still serves it.
        }
    }

    /** An enum as the Engine API spells it ("ready", "drain"), or "unknown". */
    static String lower(Enum<?> value) {
        return value == null ? "unknown" : value.name().toLowerCase(Locale.ROOT);
    }
}
