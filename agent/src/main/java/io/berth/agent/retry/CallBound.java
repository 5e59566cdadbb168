package io.berth.agent.retry;

import java.time.Duration;
import java.time.Instant;

/**
 * The deadline of the work in progress on this thread (a step's window, a whole command), so that every call to
 * another process made under it is bounded by it as well as by its own timeout — the way gRPC's Context carries a
 * deadline down to each call. Clients ask {@link #deadline(Duration)}; steps and commands set it with
 * {@link #within(Instant, Retry.Attempt)}. Nested windows can only shorten it.
 */
public final class CallBound {

    private static final ThreadLocal<Instant> CURRENT = new ThreadLocal<>();

    private CallBound() {
    }

    /** Runs {@code work} with every call in it bounded by {@code deadline} (or by an earlier one already set). */
    public static <T> T within(Instant deadline, Retry.Attempt<T> work) throws Exception {
        Instant outer = CURRENT.get();
        CURRENT.set(outer != null && outer.isBefore(deadline) ? outer : deadline);
        try {
            return work.call();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    /** When a call that may take {@code timeout} on its own must end: the earlier of that and the current window. */
    public static Instant deadline(Duration timeout) {
        return deadline(Instant.now(), timeout);
    }

    /** As {@link #deadline(Duration)}, for a call that starts at {@code start}. */
    public static Instant deadline(Instant start, Duration timeout) {
        Instant own = start.plus(timeout);
        Instant outer = CURRENT.get();
        return outer != null && outer.isBefore(own) ? outer : own;
    }

    /** How long a call that may take {@code timeout} on its own may still take now (zero when the window is over). */
    public static Duration left(Duration timeout) {
        Instant now = Instant.now();
        Duration left = Duration.between(now, deadline(now, timeout));
        return left.isNegative() ? Duration.ZERO : left;
    }
}
