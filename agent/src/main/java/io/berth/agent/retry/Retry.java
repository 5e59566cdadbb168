package io.berth.agent.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * Capped exponential backoff with jitter (each wait drawn from half to all of the current step), bounded by a deadline: the one retry loop of the agent
 * (a fleet booting together must not hammer PowerDNS or the managers in lock-step).
 */
public final class Retry {

    /** The work to retry. */
    @FunctionalInterface
    public interface Attempt<T> {
        T call() throws Exception;
    }

    private final Duration first;
    private final Duration cap;

    public Retry(Duration first, Duration cap) {
        this.first = first;
        this.cap = cap;
    }

    /** 100 ms doubling up to 2 s: for calls that usually succeed at once. */
    public static Retry quick() {
        return new Retry(Duration.ofMillis(100), Duration.ofSeconds(2));
    }

    /**
     * Calls {@code attempt} until it succeeds, it throws something {@code retryable} rejects, or the next
     * wait would pass {@code deadline}; then the last failure is thrown.
     */
    public <T> T until(Instant deadline, Predicate<Exception> retryable, Attempt<T> attempt) throws Exception {
        long ceiling = first.toMillis();
        while (true) {
            try {
                return attempt.call();
            } catch (Exception e) {
                if (!retryable.test(e)) {
                    throw e;
                }
                long sleep = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
                if (Instant.now().plusMillis(sleep).isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(sleep);
                ceiling = Math.min(ceiling * 2, cap.toMillis());
            }
        }
    }

    /** Waits until {@code condition} holds or the deadline passes; returns whether it held. */
    public boolean await(Instant deadline, Attempt<Boolean> condition) throws Exception {
        long ceiling = first.toMillis();
        while (true) {
            if (condition.call()) {
                return true;
            }
            long sleep = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
            if (Instant.now().plusMillis(sleep).isAfter(deadline)) {
                return condition.call();
            }
            Thread.sleep(sleep);
            ceiling = Math.min(ceiling * 2, cap.toMillis());
        }
    }
}
