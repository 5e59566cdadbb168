package io.berth.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.agent.http.AgentApi.ActionResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API on a real server (127.0.0.1, any free port) in front of a fake agent. */
class ApiServerTest {

    static final String TOKEN = "s3cret-Token-7f2a9c";
    static final ObjectMapper JSON = new ObjectMapper();

    final FakeAgentApi agent = new FakeAgentApi();
    final AgentMetrics metrics = new AgentMetrics();
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final List<HttpResponse<String>> seen = new ArrayList<>();

    @TempDir
    Path dir;
    Path tokenFile;
    ApiServer server;

    @BeforeEach
    void start() throws IOException {
        tokenFile = Files.writeString(dir.resolve("api.token"), TOKEN + "\n");
        server = ApiServer.start("127.0.0.1", 0, Optional.of(tokenFile), agent, metrics);
    }

    @AfterEach
    void stopAndCheckNoAnswerCarriedTheToken() {
        server.stop();
        client.close();
        for (HttpResponse<String> response : seen) {
            assertFalse(response.body().contains(TOKEN), () -> "token in body of " + response.uri());
            assertFalse(response.headers().toString().contains(TOKEN), () -> "token in headers of " + response.uri());
        }
    }

    @Test
    void aTakenAddressIsOneLineAndNoServer() {
        ApiServer.BindException e = assertThrows(ApiServer.BindException.class,
                () -> ApiServer.start("127.0.0.1", server.port(), Optional.empty(), agent, metrics));
        assertEquals("cannot listen on 127.0.0.1:" + server.port() + ": Address already in use", e.getMessage());
    }

    @Test
    void liveIsUpWhileTheServerRuns() throws Exception {
        HttpResponse<String> live = get("/health/live");
        assertEquals(200, live.statusCode());
        assertEquals("UP", json(live).path("status").asText());
    }

    @Test
    void readyFollowsTheAgentAndShowsWhyNot() throws Exception {
        HttpResponse<String> notReady = get("/health/ready");
        assertEquals(503, notReady.statusCode());
        assertEquals("DOWN", json(notReady).path("status").asText());
        assertTrue(notReady.body().contains("record missing at the nameserver"), notReady.body());

        agent.ready = true;
        HttpResponse<String> ready = get("/health/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("UP", json(ready).path("status").asText());
    }

    @Test
    void statusIsTheAgentsStatusAsJson() throws Exception {
        HttpResponse<String> response = get("/v1/status");
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        JsonNode status = json(response);
        assertEquals("not-ready", status.path("phase").asText());
        assertFalse(status.path("ready").asBoolean(true));
        assertEquals("record missing at the nameserver", status.path("notReadyReason").asText());
        assertEquals("w1.lab.example.", status.path("fqdn").asText());
        assertEquals("registered", status.path("record").path("state").asText());
        assertEquals("blue", status.path("node").path("labels").path("berth.pool").asText());
    }

    @Test
    void factsAreJson() throws Exception {
        HttpResponse<String> response = get("/v1/facts");
        assertEquals(200, response.statusCode());
        JsonNode facts = json(response);
        assertEquals("w1", facts.path("ansible_hostname").asText());
        assertEquals(2, facts.path("ansible_processor_vcpus").asInt());
    }

    @Test
    void drainNeedsTheRightToken() throws Exception {
        HttpResponse<String> none = post("/v1/drain", null);
        assertEquals(401, none.statusCode());
        assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals("missing bearer token", json(none).path("error").asText());

        HttpResponse<String> wrong = post("/v1/drain", "Bearer not-" + TOKEN);
        assertEquals(403, wrong.statusCode());
        assertEquals("wrong bearer token", json(wrong).path("error").asText());
        assertEquals(0, agent.drains.get());

        HttpResponse<String> right = post("/v1/drain", "Bearer " + TOKEN);
        assertEquals(200, right.statusCode());
        assertTrue(json(right).path("changed").asBoolean());
        assertEquals("drained w1 (operator)", json(right).path("message").asText());
        assertEquals(1, agent.drains.get());
    }

    @Test
    void otherSchemesAndAPrefixOfTheTokenAreRefused() throws Exception {
        assertEquals(401, post("/v1/drain", "Basic " + TOKEN).statusCode());
        assertEquals(401, post("/v1/drain", "Bearer ").statusCode());
        assertEquals(403, post("/v1/drain", "Bearer " + TOKEN.substring(0, 5)).statusCode());
        assertEquals(403, post("/v1/drain", "Bearer " + TOKEN + "x").statusCode());
        assertEquals(200, post("/v1/drain", "bearer " + TOKEN).statusCode(), "the scheme is case-insensitive");
        assertEquals(1, agent.drains.get());
    }

    @Test
    void theTokenFileIsReadOnEveryRequest() throws Exception {
        Files.writeString(tokenFile, "rotated-token\n");
        assertEquals(403, post("/v1/activate", "Bearer " + TOKEN).statusCode());
        assertEquals(200, post("/v1/activate", "Bearer rotated-token").statusCode());

        Files.writeString(tokenFile, "  \n");
        HttpResponse<String> empty = post("/v1/activate", "Bearer rotated-token");
        assertEquals(403, empty.statusCode(), "an empty token file refuses everything");
        Files.delete(tokenFile);
        assertEquals(403, post("/v1/activate", "Bearer rotated-token").statusCode());
        assertEquals(1, agent.activates.get());
    }

    @Test
    void withoutATokenFileDrainAndActivateAreRefused() throws Exception {
        server.stop();
        server = ApiServer.start("127.0.0.1", 0, Optional.empty(), agent, metrics);

        for (String path : List.of("/v1/drain", "/v1/activate")) {
            for (String authorization : new String[] {null, "Bearer " + TOKEN, "Bearer "}) {
                HttpResponse<String> response = post(path, authorization);
                assertEquals(403, response.statusCode(), path);
                assertEquals("disabled: no api.tokenFile configured", json(response).path("error").asText());
            }
        }
        assertEquals(0, agent.drains.get());
        assertEquals(0, agent.activates.get());
    }

    @Test
    void aRefusedActivateIsAConflict() throws Exception {
        agent.activateResult = new ActionResult(false, "shutdown in progress: stays drained", true);
        HttpResponse<String> response = post("/v1/activate", "Bearer " + TOKEN);
        assertEquals(409, response.statusCode());
        assertEquals("shutdown in progress: stays drained", json(response).path("error").asText());
        assertEquals(1, agent.activates.get());
    }

    @Test
    void aFailingDrainIsABadGatewayWithOneLine() throws Exception {
        agent.drainFailure = new IllegalStateException("no manager reachable\n\tat some.Stack(Trace.java:1)");
        HttpResponse<String> response = post("/v1/drain", "Bearer " + TOKEN);
        assertEquals(502, response.statusCode());
        assertEquals("drain failed: no manager reachable", json(response).path("error").asText());
    }

    @Test
    void anAgentThatThrowsOnStatusIsAJson500() throws Exception {
        agent.statusFailure = new IllegalStateException("not yet");
        HttpResponse<String> response = get("/v1/status");
        assertEquals(500, response.statusCode());
        assertEquals("internal error", json(response).path("error").asText());
    }

    @Test
    void unknownPathsAreJson404() throws Exception {
        for (String path : List.of("/", "/v1", "/v1/nope", "/health/nope/deeper")) {
            HttpResponse<String> response = get(path);
            assertEquals(404, response.statusCode(), path);
            assertEquals("not found", json(response).path("error").asText(), path);
        }
    }

    @Test
    void wrongMethodsAreJson405() throws Exception {
        HttpResponse<String> getDrain = get("/v1/drain");
        assertEquals(405, getDrain.statusCode());
        assertEquals("POST", getDrain.headers().firstValue("Allow").orElse(""));
        assertEquals("method not allowed: use POST", json(getDrain).path("error").asText());

        HttpResponse<String> postStatus = post("/v1/status", "Bearer " + TOKEN);
        assertEquals(405, postStatus.statusCode());
        assertEquals("GET", postStatus.headers().firstValue("Allow").orElse(""));
        assertEquals(0, agent.drains.get());
    }

    @Test
    void noCrossOriginGrantsSoABrowserPageCannotDriveTheApi() throws Exception {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(uri("/v1/drain"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization"));
        assertEquals(405, preflight.statusCode());
        HttpResponse<String> metricsFromAPage = send(HttpRequest.newBuilder(uri("/metrics"))
                .header("Origin", "http://evil.example"));
        for (HttpResponse<String> response : List.of(preflight, metricsFromAPage)) {
            assertTrue(response.headers().map().keySet().stream()
                    .noneMatch(name -> name.toLowerCase().startsWith("access-control-")),
                    response.headers().toString());
        }
    }

    @Test
    void aMalformedRequestIsAJson400() throws Exception {
        // A header line without a colon fails in the parser, before any routing.
        String raw = "GET /v1/status HTTP/1.1\r\nHost: x\r\nAuthorization " + TOKEN + "\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            assertTrue(answer.contains("{\"error\":\"bad request\"}"), answer);
            assertFalse(answer.contains(TOKEN), answer);
        }
    }

    @Test
    void stopDoesNotWaitForADrainInFlight() throws Exception {
        agent.drainTakes = Duration.ofSeconds(30);
        client.sendAsync(HttpRequest.newBuilder(uri("/v1/drain"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (agent.drains.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, agent.drains.get());
        long started = System.nanoTime();
        server.stop();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofMillis(1000)) < 0, "stop took " + took);
    }

    @Test
    void stopReturnsWellWithinASecondEvenWithAnOpenConnection() throws Exception {
        assertEquals(200, get("/health/live").statusCode()); // leaves a keep-alive connection open
        int port = server.port();
        long started = System.nanoTime();
        server.stop();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofMillis(1000)) < 0, "stop took " + took);
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    HttpResponse<String> post(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request);
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        seen.add(response);
        return response;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }
}
