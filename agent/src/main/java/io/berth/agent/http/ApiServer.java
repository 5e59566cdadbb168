package io.berth.agent.http;

import io.berth.agent.Log;
import io.berth.agent.run.AgentStatus;
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

    /**
     * Starts serving on {@code host:port} (port 0: any free port). Without {@code tokenFile}, drain and activate
     * are refused. Throws if the address cannot be bound.
     */
    public static ApiServer start(String host, int port, Optional<Path> tokenFile, AgentApi api,
                                  AgentMetrics metrics) {
        warnIfNotLoopback(host);
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
                .build()
                .start();
        return new ApiServer(server);
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
