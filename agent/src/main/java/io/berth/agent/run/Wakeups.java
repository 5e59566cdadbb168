package io.berth.agent.run;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What wakes the reconcile loop before its interval is up (the engine left the Swarm, a node event, a shutdown),
 * and the daemon's stop, which ends every wait for good.
 */
final class Wakeups {

    private final Object monitor = new Object();
    private boolean requested;
    private volatile boolean stopped;

    /** Asks for a pass now. */
    void wake() {
        synchronized (monitor) {
            requested = true;
            monitor.notifyAll();
        }
    }

    /** Waits until woken, stopped, or {@code atMost} has passed; a wake that came meanwhile is used up. */
    void await(Duration atMost) {
        long end = System.nanoTime() + atMost.toNanos();
        synchronized (monitor) {
            while (!requested && !stopped) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            requested = false;
        }
    }

    /** The daemon stops: every loop ends at its next check, and a waiting loop at once. */
    void stop() {
        stopped = true;
        wake();
    }

    boolean stopped() {
        return stopped;
    }

    /** Sleeps; an interrupt ends it early and stays set for the caller's loop to see. */
    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
