package io.berth.config;

import java.nio.file.Path;

/**
 * What {@code berth-agent status} needs of the configuration: where a running agent serves its API and where the
 * last status is kept. {@link ConfigLoader#loadForStatus} builds it without opening any file the config names, so a
 * user who may not read the secret files can still ask.
 */
public record StatusConfig(AgentConfig.HostPort apiListen, Path stateDir) {
}
