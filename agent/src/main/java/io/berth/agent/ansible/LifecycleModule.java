package io.berth.agent.ansible;

import io.berth.agent.lifecycle.HostActions;
import io.berth.agent.retry.Deadline;
import io.berth.config.AgentConfig;
import io.berth.config.Durations;

/**
 * {@code berth_lifecycle}: the agent's whole sequences, journal included. {@code booted} is {@code berth-agent boot};
 * {@code shut_down} is {@code berth-agent shutdown} (handed over from a running {@code run}); {@code drained} is an
 * operator's drain and the wait until this host's tasks run elsewhere ({@code run} leaves it in place); {@code
 * active} lifts any drain (refused once a shutdown has begun).
 */
final class LifecycleModule implements Module {

    private static final ArgSpec SPEC = new ArgSpec("berth_lifecycle",
            Param.choice("state", null, "booted", "shut_down", "drained", "active").mandatory(),
            Param.of("deadline", Param.Type.STR),
            Param.of("force", Param.Type.BOOL).byDefault(false),
            Param.of("take_over", Param.Type.BOOL).byDefault(false),
            CONFIG);

    @Override
    public ArgSpec spec() {
        return SPEC;
    }

    @Override
    public ModuleResult run(Args args, Call call) throws Exception {
        AgentConfig config = Module.config(args);
        boolean check = call.checkMode();
        Deadline budget = Deadline.of(args.str("deadline").map(LifecycleModule::duration)
                .orElse(config.swarm().drainTimeout()));
        HostActions.Done done = switch (args.str("state").orElseThrow()) {
            case "booted" -> HostActions.boot(config, check, args.bool("take_over"));
            case "shut_down" -> HostActions.shutdown(config, check, args.bool("force"), budget);
            case "drained" -> HostActions.drain(config, check, budget);
            default -> HostActions.activate(config, check);
        };
        return ModuleResult.ofAction(done, check);
    }

    private static java.time.Duration duration(String value) {
        try {
            return Durations.parse(value);
        } catch (RuntimeException e) {
            throw new io.berth.config.ConfigException("deadline", "not a duration such as 90s or 2m: " + value);
        }
    }
}
