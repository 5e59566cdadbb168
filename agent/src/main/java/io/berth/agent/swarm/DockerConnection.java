package io.berth.agent.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import io.berth.agent.traffic.Traffic;
import io.berth.config.AgentConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * One Engine API endpoint: docker-java's client for most calls, and its raw HTTP client for the few
 * request fields docker-java does not model (a join with {@code Availability}).
 */
public final class DockerConnection implements AutoCloseable {

    /** Engine 20.10 speaks 1.41 at most and refuses newer versions. */
    static final String API_VERSION = "1.41";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final EngineTransport http;
    private final DockerClient client;

    private DockerConnection(URI endpoint, EngineTransport http, DockerClient client) {
        this.endpoint = endpoint;
        this.http = http;
        this.client = client;
    }

    /** Connects (lazily: nothing is sent yet) to {@code unix:///…} or {@code tcp://host:port}, with TLS if given. */
    public static DockerConnection open(URI endpoint, Optional<AgentConfig.Tls> tls, Duration timeout) {
        return open(endpoint, tls, timeout, Traffic.to(Traffic.ENGINE));
    }

    /** As above, its requests and response bytes counted into {@code traffic}. */
    public static DockerConnection open(URI endpoint, Optional<AgentConfig.Tls> tls, Duration timeout,
                                        Traffic traffic) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(endpoint.toString())
                .withApiVersion(API_VERSION)
                .withDockerTlsVerify(false) // TLS is the transport's: docker-java only builds the requests
                .build();
        EngineTransport http = new EngineTransport(endpoint, tls, timeout, traffic);
        return new DockerConnection(endpoint, http, DockerClientImpl.getInstance(config, http));
    }

    public URI endpoint() {
        return endpoint;
    }

    public DockerClient client() {
        return client;
    }

    /** Requests sent through this connection and the bytes of their answers. */
    public Traffic traffic() {
        return http.traffic();
    }

    /**
     * Sends one JSON request through the raw client; returns the parsed body, or throws with the engine's message.
     * For the request fields docker-java does not model, and for specs that must round-trip exactly (a service
     * spec read raw and written back, nulls kept).
     */
    public JsonNode send(String method, String path, Object body) throws IOException {
        return send(method, path, body, null);
    }

    /** As {@link #send(String, String, Object)}, bounded by {@code timeout} instead of the connection's own. */
    public JsonNode send(String method, String path, Object body, Duration timeout) throws IOException {
        DockerHttpClient.Request.Builder builder = DockerHttpClient.Request.builder()
                .method(method)
                .path("/v" + API_VERSION + path);
        if (body != null) {
            builder.putHeader("Content-Type", "application/json").bodyBytes(JSON.writeValueAsBytes(body));
        }
        DockerHttpClient.Request request = builder.build();
        try (DockerHttpClient.Response response = timeout == null ? http.execute(request)
                : http.execute(request, timeout); InputStream in = response.getBody()) {
            String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            JsonNode parsed = text.isBlank() ? JSON.nullNode() : parseLenient(text);
            if (response.getStatusCode() >= 300) {
                String message = parsed.path("message").asText(text.strip());
                throw new EngineException(response.getStatusCode(), message);
            }
            return parsed;
        }
    }

    private static JsonNode parseLenient(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException notJson) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException ignored) {
            // Closing the transport (it aborts open exchanges) has nothing useful to report.
        }
    }

    /** An Engine API error answer: status and the engine's own message. */
    public static final class EngineException extends IOException {
        private final int status;

        EngineException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
