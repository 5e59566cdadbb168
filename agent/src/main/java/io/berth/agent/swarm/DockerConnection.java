package io.berth.agent.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.SSLConfig;
import com.github.dockerjava.core.util.CertificateUtils;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import io.berth.agent.config.AgentConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One Engine API endpoint: docker-java's client for most calls, and its raw HTTP client for the few
 * request fields docker-java does not model (a join with {@code Availability}).
 */
public final class DockerConnection implements AutoCloseable {

    /** Engine 20.10 speaks 1.41 at most and refuses newer versions. */
    static final String API_VERSION = "1.41";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final DockerHttpClient http;
    private final DockerClient client;

    private DockerConnection(URI endpoint, DockerHttpClient http, DockerClient client) {
        this.endpoint = endpoint;
        this.http = http;
        this.client = client;
    }

    /** Connects (lazily: nothing is sent yet) to {@code unix:///…} or {@code tcp://host:port}, with TLS if given. */
    @SuppressWarnings("deprecation")
    public static DockerConnection open(URI endpoint, Optional<AgentConfig.Tls> tls, Duration timeout) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(endpoint.toString())
                .withApiVersion(API_VERSION)
                .withDockerTlsVerify(false)
                .withCustomSslConfig(tls.map(DockerConnection::sslConfig).orElse(null))
                .build();
        DockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(Math.min(3, Math.max(1, timeout.toSeconds()))))
                .responseTimeout(timeout)
                .maxConnections(8)
                .build();
        return new DockerConnection(endpoint, http, DockerClientImpl.getInstance(config, http));
    }

    public URI endpoint() {
        return endpoint;
    }

    public DockerClient client() {
        return client;
    }

    /** Sends one JSON request through the raw client; returns the parsed body, or throws with the engine's message. */
    JsonNode send(String method, String path, Object body) throws IOException {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(method)
                .path("/v" + API_VERSION + path)
                .putHeader("Content-Type", "application/json")
                .bodyBytes(JSON.writeValueAsBytes(body))
                .build();
        try (DockerHttpClient.Response response = http.execute(request); InputStream in = response.getBody()) {
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

    /** Mutual TLS from the PEM files of the config: the CA to trust and this host's client certificate. */
    @SuppressWarnings("deprecation") // SSLConfig is what ApacheDockerHttpClient still takes.
    private static SSLConfig sslConfig(AgentConfig.Tls tls) {
        return () -> {
            try {
                // docker-java's PEM reader asks for the BouncyCastle provider by name.
                if (java.security.Security.getProvider("BC") == null) {
                    java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
                }
                KeyStore keys = CertificateUtils.createKeyStore(
                        Files.readString(tls.key()), Files.readString(tls.cert()));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, "docker".toCharArray());
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(CertificateUtils.createTrustStore(Files.readString(tls.ca())));
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
                return context;
            } catch (Exception e) {
                // Names the files, never their content.
                throw new IllegalStateException("cannot load TLS files " + tls.cert() + ", " + tls.key() + ", "
                        + tls.ca() + ": " + e.getClass().getSimpleName(), e);
            }
        };
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException ignored) {
            // Closing a pooled HTTP client has nothing useful to report.
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
