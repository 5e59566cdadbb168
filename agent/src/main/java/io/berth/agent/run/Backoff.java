package io.berth.agent.run;

import java.time.Duration;

/** Capped exponential backoff: starts at {@code first}, doubles on every {@link #grow()} up to {@code max}. */
final class Backoff {

    private final Duration first;
    private final Duration max;
    private Duration current;

    Backoff(Duration first, Duration max) {
        this.first = first;
        this.max = max;
        this.current = first;
    }

    Duration current() {
        return current;
    }

    void reset() {
        current = first;
    }

    void grow() {
        Duration doubled = current.multipliedBy(2);
        current = doubled.compareTo(max) <= 0 ? doubled : max;
    }
}
