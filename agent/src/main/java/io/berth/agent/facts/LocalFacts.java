package io.berth.agent.facts;

import io.berth.agent.http.AgentStatus;
import io.berth.agent.state.HostState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ansible_local.berth}: what the agent knows of this host, as a local fact (what {@code facts.d/berth.fact}
 * prints on hosts that run Ansible's own setup): its record and node as the agent last saw them, and the journal.
 * What is not known is "NA".
 */
public final class LocalFacts {

    private static final String NA = HostFacts.UNKNOWN;

    private LocalFacts() {
    }

    /** {@code status}: the running agent's (then {@code running}), else the last one written; {@code journal}: the state. */
    public static Map<String, Object> of(Optional<AgentStatus> status, boolean running, Optional<HostState> journal) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("agent_running", running);
        f.put("phase", status.map(AgentStatus::phase).orElse(NA));
        f.put("ready", status.map(AgentStatus::ready).orElse(false));
        f.put("identity", status.map(AgentStatus::identity).filter(s -> !s.isEmpty()).orElse(NA));
        f.put("fqdn", status.map(AgentStatus::fqdn).filter(s -> !s.isEmpty()).orElse(NA));
        f.put("address", status.map(AgentStatus::address).filter(s -> !s.isEmpty()).orElse(NA));
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("state", status.map(s -> s.record().state()).orElse(NA));
        record.put("a", status.map(s -> s.record().a()).orElse(NA));
        record.put("ptr", status.map(s -> s.record().ptr()).orElse(NA));
        f.put("record", record);
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("id", journal.flatMap(HostState::node).or(() -> status.map(s -> s.node().id()).filter(s -> !s.isEmpty()))
                .orElse(NA));
        node.put("state", status.map(s -> s.node().state()).orElse(NA));
        node.put("availability", status.map(s -> s.node().availability()).orElse(NA));
        node.put("labels", status.map(s -> (Object) s.node().labels()).orElse(Map.of()));
        node.put("drained_by", journal.flatMap(HostState::heldBy).map(h -> h.by().spelling()).orElse(""));
        f.put("node", node);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("life", journal.map(HostState::life).orElse(NA));
        j.put("action", journal.map(HostState::action).map(HostState.Action::name).orElse(NA));
        j.put("steps_done", journal.map(HostState::action).map(HostState.Action::stepsDone).orElse(List.of()));
        j.put("complete", journal.map(HostState::action).map(HostState.Action::complete).orElse(false));
        f.put("journal", j);
        return f;
    }
}
