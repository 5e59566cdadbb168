package io.berth.controller.provider;

import java.util.Optional;

/**
 * A VM as its provider sees it. {@code id} is a UUID: the VM's agent takes it as its identity, so a VM, its
 * Swarm node (label {@code berth.identity}) and its DNS records (their mark) join by it.
 */
public record Vm(String id, String name, String pool, State state, Optional<String> address) {

    /** {@code CREATING}: recorded, its clone not (yet) finished, as an interrupted create leaves it. */
    public enum State { CREATING, OFF, ON }
}
