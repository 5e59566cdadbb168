package io.berth.agent.run;

import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.SwarmInfo;
import io.berth.agent.log.Log;
import io.berth.agent.swarm.Engine;
import java.time.Duration;

/**
 * Polls the local engine every second (a worker's engine has no event for leaving the Swarm) and compares its Swarm
 * membership with what the last good pass left (the state's node id): an engine that is out, or in as another node,
 * is drift and wakes the reconcile loop, once per episode (the loop's backoff does the rest). Once a shutdown has
 * begun it interrupts any pass in flight instead, so the pass lets go of the lock.
 */
final class LocalEngineWatcher implements Runnable {

    /** How often the local engine's Swarm state is looked at. */
    static final Duration POLL = Duration.ofSeconds(1);

    /** The watcher's own connection to the local engine, apart from the passes'. */
    private final Engine engine;
    private final SessionLock work;
    private final ShutdownWatch shutdown;
    private final Wakeups wakeups;
    /** The last pass left this host in the Swarm: only then is an engine out of it drift. */
    private volatile boolean inSwarm;
    private volatile boolean driftSignalled;

    LocalEngineWatcher(Engine engine, SessionLock work, ShutdownWatch shutdown, Wakeups wakeups) {
        this.engine = engine;
        this.work = work;
        this.shutdown = shutdown;
        this.wakeups = wakeups;
    }

    /** A pass finished and left this host in the Swarm or not; drift is looked for afresh from here on. */
    void passLeft(boolean inSwarm) {
        this.inSwarm = inSwarm;
        this.driftSignalled = false;
    }

    @Override
    public void run() {
        while (!wakeups.stopped()) {
            if (shutdown.requested()) {
                work.interruptPass(); // let go of the lock for the shutdown at once
            } else if (inSwarm && !driftSignalled && work.session() != null) {
                try {
                    SwarmInfo swarm = engine.swarm();
                    String expected = work.nodeId();
                    if (swarm.getLocalNodeState() != LocalNodeState.ACTIVE || !expected.equals(swarm.getNodeID())) {
                        Log.warn("the local engine is " + StatusBoard.lower(swarm.getLocalNodeState()) + " in the Swarm"
                                + " (expected node " + expected + "): rejoining");
                        driftSignalled = true;
                        wakeups.wake();
                    }
                } catch (Exception engineDown) {
                    Log.debug("local engine: " + engineDown.getMessage());
                }
            }
            Wakeups.sleep(POLL);
        }
    }

    /** Closes the watcher's connection; the daemon has stopped the thread first. */
    void close() {
        engine.close();
    }
}
