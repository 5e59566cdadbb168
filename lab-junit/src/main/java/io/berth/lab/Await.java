package io.berth.lab;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in a test for something the lab does in its own time, with a bound and a message naming it. */
public final class Await {

    private Await() {
    }

    /** Polls {@code condition} every {@code poll} until it holds; an AssertionError naming {@code what} after {@code within}. */
    public static void until(String what, Duration within, Duration poll, BooleanSupplier condition)
            throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + within.toSeconds() + " s: " + what);
            }
            Thread.sleep(poll.toMillis());
        }
    }
}
