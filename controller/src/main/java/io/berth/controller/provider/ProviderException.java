package io.berth.controller.provider;

import java.util.Optional;

/** A provider task that failed: one line, naming the VM when there is one, and the kind of fault. */
public final class ProviderException extends RuntimeException {

    /** What kind of fault: whether a retry may pass ({@code TRANSIENT}, {@code TIMEOUT}) or not. */
    public enum Kind { NOT_FOUND, CONFLICT, TRANSIENT, TIMEOUT, INVALID, FAILED }

    private final Kind kind;
    private final String vm;

    public ProviderException(Kind kind, String vm, String message) {
        super((vm == null ? "" : vm + ": ") + message.replaceAll("[\\r\\n]+", " "), null, false, false);
        this.kind = kind;
        this.vm = vm;
    }

    public Kind kind() {
        return kind;
    }

    public Optional<String> vm() {
        return Optional.ofNullable(vm);
    }
}
