package io.berth.agent.ansible;

import io.berth.agent.lifecycle.HostActions;
import io.berth.agent.swarm.JoinRequest;
import io.berth.agent.swarm.JoinToken;
import io.berth.config.AgentConfig;
import io.berth.config.AgentConfig.HostPort;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code docker_swarm} as community.docker.docker_swarm for a worker: {@code state=join} joins this host's engine
 * (the agent's join step: a node a manager removed, or an engine stuck half-joined, joins afresh); {@code
 * state=absent} leaves and removes the node through a manager, handed over as a shutdown is, so a running {@code run}
 * does not rejoin. Unset join arguments come from agent.yml.
 */
final class DockerSwarmModule implements Module {

    private static final ArgSpec SPEC = new ArgSpec("docker_swarm",
            Param.choice("state", "join", "join", "absent"),
            Param.of("join_token", Param.Type.STR).secret(),
            Param.of("remote_addrs", Param.Type.LIST),
            Param.of("advertise_addr", Param.Type.STR),
            Param.of("listen_addr", Param.Type.STR).byDefault(JoinRequest.DEFAULT_LISTEN_ADDR),
            Param.of("force", Param.Type.BOOL).byDefault(false),
            CONFIG);

    @Override
    public ArgSpec spec() {
        return SPEC;
    }

    @Override
    public ModuleResult run(Args args, Call call) throws Exception {
        AgentConfig config = Module.config(args);
        if (args.str("state").orElseThrow().equals("absent")) {
            ModuleResult result = ModuleResult.ofAction(HostActions.leave(config, call.checkMode(), args.bool("force")),
                    call.checkMode());
            return result.put("actions", result.changed() ? List.of("Node has left the swarm cluster") : List.of());
        }
        List<HostPort> remote = new ArrayList<>();
        for (String addr : args.list("remote_addrs").orElse(List.of())) {
            remote.add(HostPort.parse("remote_addrs", addr, 2377));
        }
        HostPort.parse("listen_addr", args.str("listen_addr").orElseThrow(), 2377);
        ModuleResult result = ModuleResult.ofAction(HostActions.join(config, call.checkMode(), s -> new JoinRequest(
                remote.isEmpty() ? config.swarm().joinAddrs() : remote,
                args.str("join_token").map(JoinToken::value).orElse(JoinToken.file(config.swarm().joinTokenFile())),
                args.str("advertise_addr").orElse(s.host().address()),
                args.str("listen_addr").orElseThrow(),
                false)), call.checkMode());
        return result.put("actions", result.changed() ? List.of("New node is added to swarm cluster") : List.of());
    }
}
