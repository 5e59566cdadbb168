package io.berth.agent.dns;

import io.berth.agent.step.TransientFailure;

/**
 * PowerDNS could not do what was asked. {@link #isTransient()} means "may work later" (5xx, connection refused
 * or reset, timeout); anything else (bad key, unknown zone, rejected data, a conflict) will fail again as it is.
 * Messages never contain the API key.
 */
public class DnsException extends Exception implements TransientFailure {

    private final boolean transientFailure;

    public DnsException(String message, boolean transientFailure) {
        this(message, transientFailure, null);
    }

    public DnsException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    /** True if the same call may succeed later (the retry loop retries exactly these). */
    public boolean isTransient() {
        return transientFailure;
    }

    @Override
    public boolean transientFailure() {
        return transientFailure;
    }
}
