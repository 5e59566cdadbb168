package io.berth.agent.retry;

import io.berth.agent.log.Log;
import java.time.Duration;
import java.time.Instant;

/**
 * The last guarantee that a command with a deadline ends: if it still runs at its time, it says so in one line
 * and the process exits 1. Every call is bounded on its own; this catches whatever a bound missed, because
 * LinuxKit's onshutdown waits without a timeout and a hung shutdown keeps the VM from powering off.
 */
public final class Backstop implements AutoCloseable {

    private final Thread watcher;

    private Backstop(Thread watcher) {
        this.watcher = watcher;
    }

    /** Arms the backstop for {@code command} at {@code at}; closing it disarms it. */
    public static Backstop arm(String command, Instant at) {
        Thread watcher = new Thread(() -> {
            try {
                Thread.sleep(Duration.between(Instant.now(), at).toMillis() > 0
                        ? Duration.between(Instant.now(), at) : Duration.ZERO);
            } catch (InterruptedException disarmed) {
                return;
            }
            Log.error(command + " incomplete: still running past its deadline: exiting");
            Runtime.getRuntime().halt(1);
        }, "berth-backstop");
        watcher.setDaemon(true);
        watcher.start();
        return new Backstop(watcher);
    }

    @Override
    public void close() {
        watcher.interrupt();
    }
}
