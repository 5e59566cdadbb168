package io.berth.agent.ansible;

import io.berth.config.AgentConfig;
import io.berth.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;

/** One Ansible module of the agent: its arguments, and what it does with them. */
interface Module {

    /** Every module's {@code config}: the agent's configuration file (default: where the agent looks for it). */
    Param CONFIG = Param.of("config", Param.Type.PATH);

    /** The agent's configuration, as the agent reads it (a bad one fails naming the field). */
    static AgentConfig config(Args args) {
        return ConfigLoader.load(args.str("config").map(Path::of), System.getenv());
    }

    ArgSpec spec();

    /** Checks, then acts (unless {@code call.checkMode()}); a {@link ModuleFailure} is the task's failure. */
    ModuleResult run(Args args, Call call) throws Exception;

    /**
     * What Ansible asked beside the arguments: check mode (change nothing, say what would change), whether it shows a
     * diff, and the warnings the task collects.
     */
    record Call(boolean checkMode, boolean diff, List<String> warnings) {
    }
}
