package io.berth.controller.pool;

import io.berth.controller.provider.Vm;

/** One VM a command works on: what its steps learn on the way (the VM as the provider last said, its address). */
final class VmWork {

    final String name;
    /** The id asked for; once created, the provider's (vCenter assigns its own). */
    volatile String id;
    volatile Vm vm;
    volatile String address;

    /** {@code vm} null: not there yet (create makes it under {@code id}). */
    VmWork(String name, String id, Vm vm) {
        this.name = name;
        this.id = id;
        this.vm = vm;
        this.address = vm == null ? null : vm.address().orElse(null);
    }
}
