package io.berth.controller.provider;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A VM to create: its name, pool and id, and its agent's bundle in the two forms providers hand it over in — the
 * files its agent reads (every path absolute and under the VM's {@link VmLayout#root()}, so that destroying the VM
 * removes them all), for a provider that writes them (the lab), and the same bundle as guestinfo keys, for one that
 * passes it through the hypervisor (vSphere). {@code id} is the VM's identity where the provider lets berth choose
 * it (the lab); vCenter assigns its own.
 */
public record VmSpec(String name, String pool, String id, List<VmFile> files, Path agentConfig,
                     Map<String, String> guestinfo) {

    public VmSpec(String name, String pool, String id, List<VmFile> files, Path agentConfig) {
        this(name, pool, id, files, agentConfig, Map.of());
    }

    /** One file placed in the VM; a secret is written readable by its owner only. */
    public record VmFile(Path path, byte[] content, boolean secret) {
    }

    /** Names only: the files and the guestinfo hold secrets. */
    @Override
    public String toString() {
        return "VmSpec[name=" + name + ", pool=" + pool + ", id=" + id + "]";
    }
}
