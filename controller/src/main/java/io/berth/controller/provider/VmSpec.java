package io.berth.controller.provider;

import java.nio.file.Path;
import java.util.List;

/**
 * A VM to create: its name, pool and id, the files its agent needs and its config, every path absolute and under
 * the VM's {@link VmLayout#root()} (so that destroying the VM removes them all).
 */
public record VmSpec(String name, String pool, String id, List<VmFile> files, Path agentConfig) {

    /** One file placed in the VM; a secret is written readable by its owner only. */
    public record VmFile(Path path, byte[] content, boolean secret) {
    }
}
