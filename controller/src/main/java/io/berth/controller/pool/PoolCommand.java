package io.berth.controller.pool;

import picocli.CommandLine.Command;

/** {@code berth pool}: the worker pools. */
@Command(name = "pool", mixinStandardHelpOptions = true,
        subcommands = {PoolCreateCommand.class, PoolListCommand.class, PoolShowCommand.class,
            PoolDestroyCommand.class},
        description = "Create, inspect and destroy pools of worker VMs.")
public final class PoolCommand {
}
