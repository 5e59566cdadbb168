package io.berth.controller.pool;

import java.time.Duration;

/**
 * One read of a pool shared by every VM that waits on it: a read younger than {@code maxAge} serves all who ask,
 * and while one caller reads the others wait for its result. Eight VMs polling their membership cost one provider
 * list, one node list and the records per round, not eight of each.
 */
final class SharedRead {

    private final Fleet fleet;
    private final String pool;
    private final Duration maxAge;
    private PoolView last;
    private long readAt;

    SharedRead(Fleet fleet, String pool, Duration maxAge) {
        this.fleet = fleet;
        this.pool = pool;
        this.maxAge = maxAge;
    }

    synchronized PoolView read() throws Exception {
        if (last == null || System.nanoTime() - readAt >= maxAge.toNanos()) {
            last = PoolView.read(fleet, pool);
            readAt = System.nanoTime();
        }
        return last;
    }
}
