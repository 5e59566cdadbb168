package io.berth.agent.run;

import io.berth.agent.facts.HostFacts;
import io.berth.agent.http.AgentApi;
import io.berth.agent.http.AgentMetrics;
import io.berth.agent.http.AgentStatus;
import io.berth.agent.lifecycle.Host;
import io.berth.agent.lifecycle.Session;
import io.berth.agent.swarm.Engine;
import io.berth.agent.swarm.Managers;
import io.berth.config.AgentConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code run} daemon: boots as {@code boot} does, then heals drift until stopped. It wires its parts and serves
 * the API from them: the {@link ReconcileLoop} (passes, backoff, wake-ups), the {@link LocalEngineWatcher} and the
 * {@link NodeEventFollower} (what wakes it early), {@link Readiness} (the look that feeds the {@link StatusBoard}),
 * the {@link ApiActions} (drain, activate), and the {@link ShutdownWatch}, whose marker stops all healing for good.
 */
public final class Daemon implements AgentApi, AutoCloseable {

    private final AgentConfig config;
    private final StatusBoard board;
    private final Wakeups wakeups = new Wakeups();
    private final SessionLock work = new SessionLock();
    private final LocalEngineWatcher watcher;
    private final NodeEventFollower follower;
    private final ApiActions actions;
    private final List<Thread> threads;
    private volatile HostFacts facts;

    public Daemon(AgentConfig config, AgentMetrics metrics) {
        this.config = config;
        this.board = new StatusBoard(config.stateDir(), Host.placeholder(config));
        ShutdownWatch shutdown = new ShutdownWatch(config.stateDir(), board, wakeups);
        Readiness readiness = new Readiness(board, shutdown);
        this.watcher = new LocalEngineWatcher(Engine.open(config.swarm().engine(), Duration.ofSeconds(5)), work,
                shutdown, wakeups);
        // Its own connections: the transport bounds a stream only until it starts, so a stalled manager is passed
        // over within the ordinary timeout.
        this.follower = new NodeEventFollower(
                Managers.open(config.swarm().managerApi(), config.swarm().tls(), Duration.ofSeconds(5)), work,
                shutdown, wakeups);
        this.actions = new ApiActions(config.stateDir(), work, readiness, shutdown);
        ReconcileLoop loop = new ReconcileLoop(config, metrics, board, work, readiness, watcher, shutdown, wakeups);
        this.threads = List.of(
                new Thread(loop, "berth-reconcile"),
                new Thread(watcher, "berth-local-watch"),
                new Thread(follower, "berth-manager-events"));
        threads.forEach(t -> t.setDaemon(true));
    }

    public void start() {
        threads.forEach(Thread::start);
    }

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
            Session s = work.session();
            facts = new HostFacts(s == null ? config.host().address().orElse("") : s.host().address());
        }
        return facts.facts();
    }

    @Override
    public ActionResult drain() throws Exception {
        return actions.drain();
    }

    @Override
    public ActionResult activate() throws Exception {
        return actions.activate();
    }

    /** Stops healing and the watchers; returns within about a second (LinuxKit allows a service 5 s). */
    @Override
    public void close() {
        wakeups.stop();
        follower.close(); // ends the event stream's blocking read, which an interrupt does not
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
        watcher.close();
        work.close();
    }
}
