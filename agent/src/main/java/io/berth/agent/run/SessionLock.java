package io.berth.agent.run;

import io.berth.agent.lifecycle.Session;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The daemon's session (opened by the first pass that can: before the network is up, this host's address is not
 * known yet) and the lock that lets one pass or one API action at a time work with it in this process (the file
 * lock keeps other processes out). The watchers only read the session's node id, without the lock.
 */
final class SessionLock {

    private final ReentrantLock lock = new ReentrantLock();
    private volatile Session session;
    private volatile Thread passThread;

    /** Takes the lock for a pass, which {@link #interruptPass()} may interrupt. */
    void lockForPass() {
        lock.lock();
        passThread = Thread.currentThread();
    }

    /** Takes the lock for an API action, waiting at most {@code seconds} for a pass in flight. */
    boolean tryLock(long seconds) throws InterruptedException {
        return lock.tryLock(seconds, TimeUnit.SECONDS);
    }

    void unlock() {
        if (passThread == Thread.currentThread()) {
            passThread = null;
        }
        lock.unlock();
    }

    /** Interrupts the pass in flight, if any, so it lets go of the file lock at once (a shutdown needs it). */
    void interruptPass() {
        Thread pass = passThread;
        if (pass != null) {
            pass.interrupt();
        }
    }

    /** The session, or null before the first pass could open one. */
    Session session() {
        return session;
    }

    /** The session, opened now if no pass could yet; only under the lock. */
    Session openIfNeeded(Supplier<Session> open) {
        if (session == null) {
            session = open.get();
        }
        return session;
    }

    /** This host's node id as the state has it, or "" (no session yet, or not in the Swarm). */
    String nodeId() {
        Session s = session;
        return s == null ? "" : s.state().get().node().orElse("");
    }

    /** Closes the session's clients; the daemon has stopped its threads first. */
    void close() {
        Session s = session;
        if (s != null) {
            s.close();
        }
    }
}
