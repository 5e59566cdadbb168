package io.berth.agent.run;

import io.berth.agent.log.Log;
import io.berth.agent.swarm.Managers;
import java.time.Duration;

/**
 * Follows the managers' node event stream (a worker's own engine is not told when a manager removes or drains its
 * node) and wakes the reconcile loop on any event about this host's node. A stream that fails or ends is opened
 * again with capped backoff, until the daemon stops or a shutdown begins.
 */
final class NodeEventFollower implements Runnable {

    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** Its own connections: the stream idles for long stretches, apart from the passes' calls. */
    private final Managers events;
    private final SessionLock work;
    private final ShutdownWatch shutdown;
    private final Wakeups wakeups;

    NodeEventFollower(Managers events, SessionLock work, ShutdownWatch shutdown, Wakeups wakeups) {
        this.events = events;
        this.work = work;
        this.shutdown = shutdown;
        this.wakeups = wakeups;
    }

    @Override
    public void run() {
        Backoff backoff = new Backoff(FIRST_BACKOFF, MAX_BACKOFF);
        while (!wakeups.stopped() && !shutdown.requested()) {
            try {
                events.followNodeEvents(event -> {
                    if (event.getActor() != null && work.nodeId().equals(event.getActor().getId())) {
                        Log.debug("node event " + event.getAction() + " on our node");
                        wakeups.wake();
                    }
                });
                backoff.reset();
            } catch (Exception e) {
                Log.debug("manager event stream: " + e.getMessage());
                backoff.grow();
            }
            Wakeups.sleep(backoff.current());
        }
    }

    /** Ends the stream's blocking read, which an interrupt does not. */
    void close() {
        events.close();
    }
}
