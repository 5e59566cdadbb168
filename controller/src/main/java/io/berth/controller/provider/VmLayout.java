package io.berth.controller.provider;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What differs from VM to VM before the agent's config is written: the root its files are laid out under ({@code /}
 * on a VM of its own; a directory per VM in the lab, whose hosts share one file system), and the local engine's
 * endpoint when it is not the default {@code unix:///var/run/docker.sock}.
 */
public record VmLayout(Path root, Optional<URI> engine) {
}
