package io.berth.agent.http;

import io.berth.agent.log.Log;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.DirectHandler;
import io.helidon.http.DirectHandler.EventType;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent's HTTP API: health, status, facts, metrics, and token-guarded drain/activate. Plain HTTP: it binds to
 * loopback unless told otherwise.
 */
public final class ApiServer {

    // stop() waits up to twice this (readers, then handlers); the daemon has 5 s in all on SIGTERM.
    private static final Duration GRACE = Duration.ofMillis(200);

    private final WebServer server;

    private ApiServer(WebServer server) {
        this.server = server;
    }

    /** The loggers Helidon reports a failed start through, each with a multi-line trace; kept so JUL keeps them. */
    private static final List<java.util.logging.Logger> START_LOGGERS = List.of(
            java.util.logging.Logger.getLogger("io.helidon.webserver.LoomServer"),
            java.util.logging.Logger.getLogger("io.helidon.webserver.ServerListener"));

    /** The address could not be bound (taken, not local): one line, for the caller to report and retry. */
    public static final class BindException extends java.io.IOException {
        BindException(String message) {
            super(message);
        }
    }

    /**
     * Starts serving on {@code host:port} (port 0: any free port). Without {@code tokenFile}, drain and activate
     * are refused. Throws {@link BindException} if the address cannot be bound, having printed nothing.
     */
    public static ApiServer start(String host, int port, Optional<Path> tokenFile, AgentApi api,
                                  AgentMetrics metrics) throws BindException {
        BearerToken token = new BearerToken(tokenFile);
        WebServer server = WebServer.builder()
                .host(host)
                .port(port)
                // The daemon owns SIGTERM and calls stop() itself, in its own order.
                .shutdownHook(false)
                .shutdownGracePeriod(GRACE)
                // Only what is wired below: nothing found on the class path joins in.
                .featuresDiscoverServices(false)
                // Errors raised before routing (malformed request line or headers) get JSON too; Helidon's
                // default would echo the parser's message, which may quote a header.
                .directHandlers(handlers -> {
                    for (EventType type : EventType.values()) {
                        handlers.addHandler(type, ApiServer::protocolError);
                    }
                })
                // Observers at "/": /health/live, /health/ready and /metrics, exactly.
                .addFeature(ObserveFeature.builder()
                        .endpoint("/")
                        .observersDiscoverServices(false)
                        .addObserver(HealthObserver.builder()
                                .useSystemServices(false)
                                .details(true)
                                .addCheck(() -> readiness(api.status()), HealthCheckType.READINESS, "agent")
                                .build())
                        .addObserver(MetricsObserver.builder()
                                // The registry AgentMetrics filled, not one Helidon might rebuild from config.
                                .meterRegistry(metrics.registry())
                                .build())
                        .build())
                .routing(routing -> routing
                        .get("/v1/status", (req, res) -> Json.send(res, Status.OK_200, api.status()))
                        .any("/v1/status", methodNotAllowed("GET"))
                        .get("/v1/facts", (req, res) -> Json.send(res, Status.OK_200, api.facts()))
                        .any("/v1/facts", methodNotAllowed("GET"))
                        .post("/v1/drain", new ActionHandler("drain", token, api::drain))
                        .any("/v1/drain", methodNotAllowed("POST"))
                        .post("/v1/activate", new ActionHandler("activate", token, api::activate))
                        .any("/v1/activate", methodNotAllowed("POST"))
                        // Unknown paths (NotFoundException) and other HTTP errors: JSON with a fixed text.
                        .error(HttpException.class, (req, res, e) ->
                                Json.error(res, e.status(), e.status().reasonPhrase().toLowerCase(Locale.ROOT)))
                        .error(Exception.class, (req, res, e) -> {
                            // The raw path: percent-encoded, so a client cannot put a line break into the log.
                            Log.warn("api: " + req.prologue().method().text() + " "
                                    + req.prologue().uriPath().rawPath() + " failed: " + ActionHandler.oneLine(e));
                            Json.error(res, Status.INTERNAL_SERVER_ERROR_500, "internal error");
                        }))
                .build();
        startQuietly(server, host, port);
        warnIfNotLoopback(host); // once it listens: a caller may try a taken address many times
        return new ApiServer(server);
    }

    /**
     * Starts the server with Helidon's own start-failure traces held back: Helidon logs a failed bind (with a
     * multi-line trace) and returns a server that does not run; the caller reports it in one line instead.
     */
    private static void startQuietly(WebServer server, String host, int port) throws BindException {
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getThrown() != null) {
                    failures.add(record.getThrown());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        synchronized (START_LOGGERS) {
            START_LOGGERS.forEach(l -> {
                l.setUseParentHandlers(false);
                l.addHandler(capture);
            });
            try {
                server.start();
            } catch (RuntimeException e) {
                failures.add(e);
            } finally {
                START_LOGGERS.forEach(l -> {
                    l.removeHandler(capture);
                    l.setUseParentHandlers(true);
                });
            }
        }
        if (!failures.isEmpty() || !server.isRunning() || server.port() < 0) {
            server.stop();
            throw new BindException("cannot listen on " + host + ":" + port + ": "
                    + (failures.isEmpty() ? "the server did not start" : rootMessage(failures.get(0))));
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return server.port();
    }

    /** Stops listening and ends open connections; returns within about half a second. */
    public void stop() {
        server.stop();
    }

    /** Ready only when the agent says so; the reason shows in the JSON details of a 503. */
    static HealthCheckResponse readiness(AgentStatus status) {
        HealthCheckResponse.Builder response = HealthCheckResponse.builder()
                .status(status.ready())
                .detail("phase", Objects.requireNonNullElse(status.phase(), ""));
        if (!status.ready()) {
            response.detail("reason", Objects.requireNonNullElse(status.notReadyReason(), ""));
        }
        return response.build();
    }

    private static Handler methodNotAllowed(String allowed) {
        return (req, res) -> {
            res.header(HeaderNames.ALLOW, allowed);
            Json.error(res, Status.METHOD_NOT_ALLOWED_405, "method not allowed: use " + allowed);
        };
    }

    private static DirectHandler.TransportResponse protocolError(DirectHandler.TransportRequest request,
                                                                 EventType type, Status status,
                                                                 io.helidon.http.ServerResponseHeaders headers,
                                                                 String message) {
        headers.contentType(MediaTypes.APPLICATION_JSON);
        return DirectHandler.TransportResponse.builder()
                .status(status)
                .headers(headers)
                .entity(Json.bytes(new Json.ErrorBody(status.reasonPhrase().toLowerCase(Locale.ROOT))))
                .build();
    }

    private static void warnIfNotLoopback(String host) {
        try {
            if (!InetAddress.getByName(host).isLoopbackAddress()) {
                Log.warn("api: listening on " + host + ", not a loopback address: the bearer token for drain and"
                        + " activate travels in plain HTTP");
            }
        } catch (UnknownHostException e) {
            // Binding fails next and says so.
        }
    }
}
