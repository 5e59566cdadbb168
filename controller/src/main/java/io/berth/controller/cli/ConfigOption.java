package io.berth.controller.cli;

import io.berth.config.BerthConfig;
import io.berth.config.BerthConfigLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config PATH}: berth.yml. */
public final class ConfigOption {

    @Option(names = {"-c", "--config"}, paramLabel = "PATH", defaultValue = "berth.yml",
            description = "berth.yml (default: ./${DEFAULT-VALUE}).")
    Path path = Path.of("berth.yml");

    public Path path() {
        return path;
    }

    /** Loads and validates berth.yml; a ConfigException (exit 2) names the field at fault. */
    public BerthConfig load() {
        return BerthConfigLoader.load(path);
    }
}
