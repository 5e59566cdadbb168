package io.berth.agent.run;

import io.berth.agent.lifecycle.Host;
import io.berth.agent.log.Log;
import io.berth.agent.state.ShutdownMarker;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether {@code berth-agent shutdown} has begun in this kernel boot (its marker in stateDir). Once seen it stays
 * seen: the daemon never heals again, status says so, and the reconcile loop is woken to notice.
 */
final class ShutdownWatch {

    private final Path stateDir;
    private final String kernelBootId = Host.currentKernelBootId();
    private final StatusBoard board;
    private final Wakeups wakeups;
    private volatile boolean seen;

    ShutdownWatch(Path stateDir, StatusBoard board, Wakeups wakeups) {
        this.stateDir = stateDir;
        this.board = board;
        this.wakeups = wakeups;
    }

    /** True once a shutdown has begun; the first call that finds the marker says so in the log and the status. */
    boolean requested() {
        if (!seen && ShutdownMarker.requested(stateDir, kernelBootId)) {
            seen = true;
            Log.info("a shutdown has begun: no more healing");
            board.phase("shutting-down");
            board.observed(Optional.empty(), "shutdown", false, "shutting down");
            wakeups.wake();
        }
        return seen;
    }
}
