package io.berth.agent.ansible;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import com.github.dockerjava.api.model.SwarmNodeRole;
import io.berth.agent.lifecycle.HostActions;
import io.berth.agent.lifecycle.Session;
import io.berth.agent.state.ShutdownMarker;
import io.berth.agent.step.StepsRunner;
import io.berth.agent.swarm.AvailabilityStep;
import io.berth.agent.swarm.LabelChange;
import io.berth.agent.swarm.LabelStep;
import io.berth.agent.swarm.Managers;
import io.berth.config.AgentConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code docker_node} as community.docker.docker_node, through the managers agent.yml names (a worker cannot change
 * its own node): labels (merge or replace, and removals) and availability. Without {@code hostname} it is this host's
 * own node, where a drain is recorded as the operator's, so {@code run} leaves it in place. Berth's identity label is
 * never removed; {@code role} can only be worker.
 */
final class DockerNodeModule implements Module {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.time.Duration READ_TIMEOUT = java.time.Duration.ofSeconds(5);
    private static final ArgSpec SPEC = new ArgSpec("docker_node",
            Param.of("hostname", Param.Type.STR),
            Param.choice("availability", null, "active", "pause", "drain"),
            Param.choice("role", null, "worker", "manager"),
            Param.of("labels", Param.Type.DICT),
            Param.choice("labels_state", "merge", "merge", "replace"),
            Param.of("labels_to_remove", Param.Type.LIST),
            CONFIG);

    @Override
    public ArgSpec spec() {
        return SPEC;
    }

    @Override
    public ModuleResult run(Args args, Call call) throws Exception {
        if (args.str("role").orElse("worker").equals("manager")) {
            throw new ModuleFailure("role=manager is not supported: berth.swarm.docker_node manages workers only");
        }
        AgentConfig config = Module.config(args);
        Optional<SwarmNodeAvailability> availability = args.str("availability")
                .map(a -> SwarmNodeAvailability.valueOf(a.toUpperCase(Locale.ROOT)));
        AtomicReference<String> nodeId = new AtomicReference<>();
        HostActions.Done done = HostActions.node(config, call.checkMode(), session -> {
            Optional<String> own = session.state().get().node().or(() -> engineNode(session));
            String id = args.str("hostname").isPresent() ? find(session, args.str("hostname").get())
                    : own.orElseThrow(() -> new ModuleFailure("this host is not in the Swarm: no node to change "
                            + "(give hostname, or join first)"));
            nodeId.set(id);
            boolean isOwn = own.isPresent() && own.get().equals(id);
            SwarmNode node = session.managers().node(id).orElseThrow(() -> new ModuleFailure("node " + id + " is gone"));
            if (args.str("role").isPresent() && node.getSpec().getRole() == SwarmNodeRole.MANAGER) {
                throw new ModuleFailure("node " + id + " is a manager: demoting it (role=worker) is not supported here");
            }
            if (isOwn && availability.equals(Optional.of(SwarmNodeAvailability.ACTIVE))
                    && ShutdownMarker.requested(config.stateDir(), session.host().kernelBootId())) {
                throw new ModuleFailure("a shutdown of this host is in progress: not activating its node");
            }
            List<StepsRunner.Planned> plan = new ArrayList<>();
            if (args.dict("labels").isPresent() || args.list("labels_to_remove").isPresent()
                    || args.str("labels_state").orElseThrow().equals("replace")) {
                LabelChange change = new LabelChange(args.dict("labels").orElse(Map.of()),
                        args.str("labels_state").orElseThrow().equals("replace"), args.list("labels_to_remove").orElse(List.of()));
                plan.add(StepsRunner.Planned.of(new LabelStep(session.managers(), () -> id, change)));
            }
            availability.ifPresent(a -> plan.add(StepsRunner.Planned.of(new AvailabilityStep(session.managers(), () -> id,
                    a, isOwn ? Optional.of(session.state()) : Optional.empty()))));
            return plan;
        });
        ModuleResult result = ModuleResult.ofAction(done, call.checkMode());
        try (Managers managers = Managers.open(config.swarm().managerApi(), config.swarm().tls(), READ_TIMEOUT)) {
            return result.put("node", JSON.convertValue(managers.node(nodeId.get()).orElse(null), Map.class));
        }
    }

    private static Optional<String> engineNode(Session session) {
        try {
            return session.engine().nodeId();
        } catch (Exception engineDown) {
            return Optional.empty();
        }
    }

    /** A node by its id, else by its hostname; two nodes of one hostname (a rejoin's Down leftover) is an error. */
    private static String find(Session session, String hostname) throws Exception {
        List<SwarmNode> nodes = session.managers().nodes();
        Optional<SwarmNode> byId = nodes.stream().filter(n -> hostname.equals(n.getId())).findFirst();
        if (byId.isPresent()) {
            return byId.get().getId();
        }
        List<SwarmNode> named = nodes.stream().filter(n -> n.getDescription() != null
                && hostname.equalsIgnoreCase(n.getDescription().getHostname())).toList();
        if (named.size() != 1) {
            throw new ModuleFailure(named.isEmpty() ? "no node has the hostname or id " + hostname
                    : "hostname " + hostname + " names " + named.size() + " nodes ("
                    + String.join(", ", named.stream().map(SwarmNode::getId).toList()) + "): give the node id");
        }
        return named.get(0).getId();
    }
}
