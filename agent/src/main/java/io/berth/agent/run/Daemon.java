package io.berth.agent.run;

import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.SwarmInfo;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import com.github.dockerjava.api.model.SwarmNodeState;
import io.berth.agent.log.Log;
import io.berth.agent.config.AgentConfig;
import io.berth.agent.facts.HostFacts;
import io.berth.agent.http.AgentApi;
import io.berth.agent.http.AgentMetrics;
import io.berth.agent.state.ActionLock;
import io.berth.agent.lifecycle.Host;
import io.berth.agent.lifecycle.Plans;
import io.berth.agent.lifecycle.Session;
import io.berth.agent.state.Hold;
import io.berth.agent.state.StateStore;
import io.berth.agent.state.ShutdownMarker;
import io.berth.agent.step.StepsRunner;
import io.berth.agent.swarm.Engine;
import io.berth.agent.swarm.Managers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import io.berth.agent.http.AgentStatus;

/**
 * The {@code run} daemon: boots as {@code boot} does, then heals drift until stopped. A pass runs boot's
 * idempotent steps again; passes come every {@code reconcile.interval} (PowerDNS has no events), at once when
 * the local engine leaves the Swarm or a manager reports a node event, and after a failure with capped
 * exponential backoff. A shutdown marker stops all healing for good.
 */
public final class Daemon implements AgentApi, AutoCloseable {

    /** How often the local engine's Swarm state is looked at (a worker's engine has no event for it). */
    static final Duration LOCAL_POLL = Duration.ofSeconds(1);
    /** How long one pass waits for its record to resolve and its node to be Ready before activating. */
    static final Duration READY_WAIT = Duration.ofSeconds(30);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    private final AgentConfig config;
    /** Opened by the first pass that can (before the network is up, this host's address is not known yet). */
    private volatile Session session;
    private final Managers events;
    /** The watcher's own connection to the local engine, apart from the passes'. */
    private final Engine watched;
    private final AgentMetrics metrics;
    private final StatusBoard board;
    private volatile HostFacts facts;
    /** One pass or one API action at a time in this process (the file lock keeps other processes out). */
    private final ReentrantLock work = new ReentrantLock();
    private final Object wake = new Object();
    private boolean wakeRequested;
    private volatile boolean stopping;
    private volatile boolean shutdownSeen;
    /** The last pass left this host in the Swarm; the watcher compares against it. */
    private volatile boolean inSwarm;
    private volatile boolean driftSignalled;
    private final String kernelBootId = Host.currentKernelBootId();
    private volatile Thread passThread;
    private final List<Thread> threads;

    public Daemon(AgentConfig config, AgentMetrics metrics) {
        this.config = config;
        // Its own connections: the event stream idles for long stretches, and the transport bounds a stream only
        // until it starts, so a stalled manager is passed over within the ordinary timeout.
        this.events = Managers.open(config.swarm().managerApi(), config.swarm().tls(), Duration.ofSeconds(5));
        this.watched = Engine.open(config.swarm().engine(), Duration.ofSeconds(5));
        this.metrics = metrics;
        this.board = new StatusBoard(config.stateDir(), Host.placeholder(config));
        this.threads = List.of(
                new Thread(this::reconcileLoop, "berth-reconcile"),
                new Thread(this::watchLocalEngine, "berth-local-watch"),
                new Thread(this::followManagerEvents, "berth-manager-events"));
        threads.forEach(t -> t.setDaemon(true));
    }

    public void start() {
        threads.forEach(Thread::start);
    }

    // ---- the loop ----

    private void reconcileLoop() {
        Duration backoff = FIRST_BACKOFF;
        boolean booted = false;
        while (!stopping) {
            if (shutdownRequested()) {
                return;
            }
            Instant start = Instant.now();
            boolean ok = pass(booted);
            metrics.reconciled(Duration.between(start, Instant.now()));
            booted |= ok;
            Duration next = ok ? config.reconcile().interval() : backoff;
            backoff = ok ? FIRST_BACKOFF : min(backoff.multipliedBy(2), config.reconcile().interval());
            awaitWake(next);
        }
    }

    /** One pass: boot's steps under the lock; true when every step succeeded. */
    private boolean pass(boolean booted) {
        work.lock();
        passThread = Thread.currentThread();
        try (ActionLock lock = ActionLock.take(config.stateDir(), "run", Instant.now().plusSeconds(1))) {
            if (shutdownRequested()) {
                return true;
            }
            if (session == null) {
                session = new Session(config, false, Duration.ofSeconds(10));
            }
            String oldAddress = session.host().address();
            session.refresh();
            if (booted && !oldAddress.equals(session.host().address())) {
                Log.info("address changed from " + oldAddress + " to " + session.host().address());
                metrics.repaired("address");
            }
            // Later passes keep the ready/not-ready phase the last one left: a pass is short and changes nothing
            // when nothing drifted, so status does not flicker.
            board.host(session.host());
            if (!booted) {
                board.phase("booting");
            }
            List<StepsRunner.Outcome> outcomes = new StepsRunner(session.state(), false)
                    .run(Plans.boot(session, false, Instant.now().plus(READY_WAIT)));
            String failure = null;
            for (StepsRunner.Outcome outcome : outcomes) {
                if (outcome.status() == StepsRunner.Status.FAILED) {
                    failure = failure != null ? failure : outcome.step() + ": " + outcome.error();
                    metrics.failed(failureKind(outcome.step()));
                    board.failed(outcome.step() + ": " + outcome.error());
                } else if (outcome.changed() && booted) {
                    metrics.repaired(outcome.step());
                    board.repaired(outcome.step());
                }
                if (outcome.step().equals("record") && outcome.result() != null) {
                    board.record(outcome.result().after());
                }
            }
            observe();
            if (failure != null) {
                board.notReady(failure); // what failed says more than what the look found
            }
            board.reconciled();
            inSwarm = outcomes.stream().anyMatch(o -> o.step().equals("join") && o.status() == StepsRunner.Status.OK);
            driftSignalled = false;
            return failure == null;
        } catch (InterruptedException e) {
            Thread.interrupted(); // A shutdown began; the loop checks the marker next.
            return true;
        } catch (Exception e) {
            // Outside the file lock now: the state is not touched here; the next pass looks again.
            metrics.failed("engine");
            board.failed(Log.oneLine(e));
            return false;
        } finally {
            passThread = null;
            work.unlock();
        }
    }

    /** Looks at the node and the record as they are now, for status and readiness; also learns an operator's drain. */
    private void observe() {
        if (session == null) {
            return;
        }
        StateStore state = session.state();
        Optional<String> recordProblem = session.recordNotResolving();
        Optional<SwarmNode> node = Optional.empty();
        String nodeProblem = null;
        Optional<String> nodeId = state.get().node();
        try {
            node = nodeId.isPresent() ? session.managers().node(nodeId.get()) : Optional.empty();
            if (node.isEmpty()) {
                nodeProblem = "not in the Swarm";
            }
        } catch (Exception e) {
            nodeProblem = "managers did not answer: " + e.getMessage();
        }
        String drainedBy = "";
        if (node.isPresent() && node.get().getSpec().getAvailability() != SwarmNodeAvailability.ACTIVE) {
            // A drain we did not make (no hold of ours) is an operator's: remember it across restarts.
            drainedBy = state.get().heldBy().map(h -> h.by().spelling()).orElse("operator");
            if (state.get().heldBy().isEmpty() && !shutdownRequested()) {
                state.update(st -> st.held(Hold.Holder.OPERATOR));
            }
        }
        String reason = recordProblem.orElse(null);
        if (reason == null && nodeProblem != null) {
            reason = nodeProblem;
        } else if (reason == null && node.get().getStatus().getState() != SwarmNodeState.READY) {
            reason = "node " + node.get().getId() + " is " + StatusBoard.lower(node.get().getStatus().getState());
        } else if (reason == null && !drainedBy.isEmpty()) {
            reason = "node " + node.get().getId() + " is drained by " + drainedBy;
        }
        board.observed(node, drainedBy, recordProblem.isEmpty(), reason);
    }

    // ---- what wakes the loop ----

    /**
     * Compares the engine's Swarm membership with what the last good pass left (the state's node id): an
     * engine that is out, or in as another node, is drift. One wake per episode; the loop's backoff does the rest.
     */
    private void watchLocalEngine() {
        while (!stopping) {
            if (shutdownRequested()) {
                Thread pass = passThread;
                if (pass != null) {
                    pass.interrupt(); // let go of the lock for the shutdown at once
                }
            } else if (inSwarm && !driftSignalled && session != null) {
                try {
                    SwarmInfo swarm = watched.swarm();
                    String expected = session.state().get().node().orElse("");
                    if (swarm.getLocalNodeState() != LocalNodeState.ACTIVE || !expected.equals(swarm.getNodeID())) {
                        Log.warn("the local engine is " + StatusBoard.lower(swarm.getLocalNodeState()) + " in the Swarm"
                                + " (expected node " + expected + "): rejoining");
                        driftSignalled = true;
                        wake();
                    }
                } catch (Exception engineDown) {
                    Log.debug("local engine: " + engineDown.getMessage());
                }
            }
            sleep(LOCAL_POLL);
        }
    }

    private void followManagerEvents() {
        Duration backoff = FIRST_BACKOFF;
        while (!stopping && !shutdownRequested()) {
            try {
                events.followNodeEvents(event -> {
                    Session s = session;
                    String ours = s == null ? "" : s.state().get().node().orElse("");
                    if (event.getActor() != null && ours.equals(event.getActor().getId())) {
                        Log.debug("node event " + event.getAction() + " on our node");
                        wake();
                    }
                });
                backoff = FIRST_BACKOFF;
            } catch (Exception e) {
                Log.debug("manager event stream: " + e.getMessage());
                backoff = min(backoff.multipliedBy(2), Duration.ofSeconds(30));
            }
            sleep(backoff);
        }
    }

    private void wake() {
        synchronized (wake) {
            wakeRequested = true;
            wake.notifyAll();
        }
    }

    private void awaitWake(Duration atMost) {
        long end = System.nanoTime() + atMost.toNanos();
        synchronized (wake) {
            while (!wakeRequested && !stopping) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(wake, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            wakeRequested = false;
        }
    }

    private boolean shutdownRequested() {
        if (!shutdownSeen && ShutdownMarker.requested(config.stateDir(), kernelBootId)) {
            shutdownSeen = true;
            Log.info("a shutdown has begun: no more healing");
            board.phase("shutting-down");
            board.observed(Optional.empty(), "shutdown", false, "shutting down");
            wake();
        }
        return shutdownSeen;
    }

    // ---- the API ----

    /** Whether the API serves: empty once it does, else why not. */
    void apiServing(String problem) {
        board.api(problem);
    }

    @Override
    public AgentStatus status() {
        return board.status();
    }

    @Override
    public Map<String, Object> facts() {
        if (facts == null) {
            Session s = session;
            facts = new HostFacts(s == null ? config.host().address().orElse("") : s.host().address());
        }
        return facts.facts();
    }

    @Override
    public ActionResult drain() throws Exception {
        return act(() -> {
            String nodeId = nodeId();
            session.state().update(st -> st.held(Hold.Holder.OPERATOR)); // before the drain it stands for
            session.managers().setAvailability(nodeId, SwarmNodeAvailability.DRAIN);
            observe();
            return new ActionResult(true, "drained node " + nodeId + " (an operator's drain: left in place)", false);
        });
    }

    @Override
    public ActionResult activate() throws Exception {
        if (shutdownRequested()) {
            return new ActionResult(false, "a shutdown is in progress: not activating", true);
        }
        return act(() -> {
            String nodeId = nodeId();
            session.managers().setAvailability(nodeId, SwarmNodeAvailability.ACTIVE);
            session.state().update(st -> st.released());
            observe();
            return new ActionResult(true, "activated node " + nodeId, false);
        });
    }

    private interface Action {
        ActionResult run() throws Exception;
    }

    /** An API action: after any pass in flight, and under the file lock, as passes and shutdown write the state. */
    private ActionResult act(Action action) throws Exception {
        if (!work.tryLock(READY_WAIT.toSeconds() + 5, TimeUnit.SECONDS)) {
            return new ActionResult(false, "busy: a reconcile pass did not finish in time", true);
        }
        if (session == null) {
            work.unlock();
            return new ActionResult(false, "not booted yet: no node to act on", true);
        }
        try (ActionLock lock = ActionLock.take(config.stateDir(), "api", Instant.now().plusSeconds(5))) {
            session.refresh();
            return action.run();
        } finally {
            work.unlock();
        }
    }

    private String nodeId() {
        return session.state().get().node().orElseThrow(() -> new IllegalStateException("this host has no node"));
    }

    // ---- small things ----

    private static String failureKind(String step) {
        return switch (step) {
            case "record", "deregister" -> "dns";
            default -> "swarm";
        };
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops healing and the watchers; returns within about a second (LinuxKit allows a service 5 s). */
    @Override
    public void close() {
        stopping = true;
        wake();
        events.close(); // ends the event stream's blocking read, which an interrupt does not
        threads.forEach(Thread::interrupt);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        board.phase("stopped");
        watched.close();
        if (session != null) {
            session.close();
        }
    }
}
