package io.berth.agent.cli;

import io.berth.agent.log.Log;
import io.berth.config.AgentConfig;
import io.berth.config.ConfigLoader;
import io.berth.config.StatusConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options every action shares: where the config is, how to log, and whether to change anything. */
public final class AgentOptions {

    @Option(names = "--config", paramLabel = "PATH",
            description = "Configuration file. Default: /etc/berth/agent.yml, else /run/config/berth/agent.yml.")
    Path config;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO",
            description = "debug, info, warn or error (default: ${DEFAULT-VALUE}).", converter = LevelConverter.class)
    Log.Level logLevel;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "TEXT",
            description = "text or json (default: ${DEFAULT-VALUE}).", converter = FormatConverter.class)
    Log.Format logFormat;

    @Option(names = "--dry-run", description = "Report what would change; change nothing.")
    public boolean dryRun;

    /** Sets up the log, then loads and validates the configuration (a ConfigException means exit 2). */
    public AgentConfig load() {
        Log.configure(logLevel, logFormat);
        return ConfigLoader.load(Optional.ofNullable(config), System.getenv());
    }

    /**
     * Sets up the log, then loads what {@code status} needs: validated as {@link #load()} does, but without looking
     * at the secret files (a user who may not read them can still ask for status).
     */
    public StatusConfig loadForStatus() {
        Log.configure(logLevel, logFormat);
        return ConfigLoader.loadForStatus(Optional.ofNullable(config), System.getenv());
    }

    static final class LevelConverter implements picocli.CommandLine.ITypeConverter<Log.Level> {
        @Override
        public Log.Level convert(String value) {
            return Log.Level.valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Log.Format> {
        @Override
        public Log.Format convert(String value) {
            return Log.Format.valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
