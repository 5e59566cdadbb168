package io.berth.controller.flip;

import io.berth.controller.cli.ConfigOption;
import io.berth.controller.cli.Output;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What flip and rollback share. */
public final class FlipOptions {

    @Mixin
    ConfigOption config;

    @Mixin
    Output output;

    @Option(names = "--batch", paramLabel = "K", defaultValue = "1",
            description = "Services moved at a time (default: ${DEFAULT-VALUE}).")
    int batch = 1;

    @Option(names = "--timeout", paramLabel = "D", defaultValue = "5m",
            description = "How long one service's move may take (default: ${DEFAULT-VALUE}).")
    String timeout = "5m";

    @Option(names = "--dry-run", description = "Check and print the plan; change nothing.")
    boolean dryRun;

    @Option(names = "--yes", description = "Do not ask.")
    boolean yes;

    @Option(names = "--break-lock", description = "Remove a lock another berth holds (only when that one is gone).")
    boolean breakLock;
}
