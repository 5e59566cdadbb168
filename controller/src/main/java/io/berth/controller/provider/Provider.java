package io.berth.controller.provider;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where worker VMs come from: the lab, or vCenter. Every call is task-shaped, as vCenter's API is: it returns at
 * once and its task ends by its bound, failing with a {@link ProviderException} that names the VM and the kind of
 * fault. A provider runs a bounded number of tasks at a time; the truth about VMs is the provider's, read anew on
 * every {@link #list}.
 */
public interface Provider extends AutoCloseable {

    /** What the provider is, for messages: {@code lab blb537}. */
    String describe();

    /** Where a VM named {@code name} keeps its files and what it talks to; known before the VM exists. */
    VmLayout layout(String name);

    /** The VMs of {@code pool} (of every pool when empty), as the provider sees them now. */
    CompletableFuture<List<Vm>> list(Optional<String> pool);

    /**
     * Clones a VM, its files in place, powered off. The provider records the VM before it starts the clone, so an
     * interrupted create is listed as {@code CREATING}; creating it again (same name, same id) finishes it, and
     * creating a VM that exists with that id changes nothing. A VM of that name with another id is a CONFLICT.
     */
    CompletableFuture<Vm> create(VmSpec spec);

    /** Powers on a created VM (a {@code CREATING} one is a CONFLICT); one that is on already stays as it is. */
    CompletableFuture<Vm> powerOn(Vm vm);

    /** The VM's address once it has one, within {@code within}. */
    CompletableFuture<String> awaitAddress(Vm vm, Duration within);

    /**
     * Asks the guest to shut down (its agent drains, leaves, deregisters) and waits until it is off, all within
     * {@code within} (a provider may refuse one too short for its own steps: INVALID). A guest whose shutdown fails
     * is still powered off, and the task fails (FAILED) naming the VM and the agent's last line.
     */
    CompletableFuture<Vm> guestShutdown(Vm vm, Duration within);

    /** Hard power off: no agent runs. */
    CompletableFuture<Vm> powerOff(Vm vm);

    /** Powers off if need be and removes the VM and everything of it; a VM that is gone already (or half created) is fine. */
    CompletableFuture<Void> destroy(Vm vm);

    @Override
    void close();
}
