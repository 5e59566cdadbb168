package io.berth.agent.run;

import io.berth.agent.log.Log;
import io.berth.agent.http.AgentMetrics;
import io.berth.agent.http.ApiServer;
import io.berth.config.AgentConfig;
import java.time.Duration;

/**
 * Keeps the API served. {@code run} must never exit on its own (LinuxKit restarts nothing), so an address that is
 * taken is reported in one line, shown in status (not ready: API not serving) and tried again with capped backoff
 * while the daemon goes on healing, until it binds or the daemon stops.
 */
final class ApiKeeper implements AutoCloseable {

    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final AgentConfig.Api config;
    private final Daemon daemon;
    private final AgentMetrics metrics;
    private final Thread thread;
    private volatile ApiServer server;

    private ApiKeeper(AgentConfig.Api config, Daemon daemon, AgentMetrics metrics) {
        this.config = config;
        this.daemon = daemon;
        this.metrics = metrics;
        this.thread = new Thread(this::bind, "berth-api-bind");
        thread.setDaemon(true);
    }

    static ApiKeeper start(AgentConfig.Api config, Daemon daemon, AgentMetrics metrics) {
        ApiKeeper keeper = new ApiKeeper(config, daemon, metrics);
        keeper.thread.start();
        return keeper;
    }

    private void bind() {
        AgentConfig.HostPort listen = config.listen();
        Duration backoff = FIRST_BACKOFF;
        String reported = "";
        while (!Thread.currentThread().isInterrupted()) {
            try {
                server = ApiServer.start(listen.host(), listen.port(), config.tokenFile(), daemon, metrics);
                Log.info("run: serving the API on " + listen.host() + ":" + server.port());
                daemon.apiServing("");
                return;
            } catch (ApiServer.BindException e) {
                String problem = "API not serving: " + e.getMessage();
                if (!problem.equals(reported)) {
                    Log.warn("run: " + e.getMessage() + "; trying again, at most every " + MAX_BACKOFF.toSeconds()
                            + " s");
                    reported = problem;
                }
                daemon.apiServing(problem);
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException stopping) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** Stops trying to bind, and stops the server if it runs. */
    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(2000);
        ApiServer running = server;
        if (running != null) {
            running.stop();
        }
    }
}
