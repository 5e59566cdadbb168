package io.berth.agent.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.transport.DockerHttpClient;
import io.berth.agent.retry.CallBound;
import io.berth.agent.traffic.Traffic;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Engine API transport against scripted servers on loopback and on unix socket files. */
class EngineTransportTest {

    private static final String INFO = "{\"ID\":\"engine1\",\"Swarm\":{\"NodeID\":\"node7\",\"LocalNodeState\":"
            + "\"active\",\"ControlAvailable\":false}}";
    private static final String NOT_A_MANAGER = "{\"message\":\"This node is not a swarm manager. Worker nodes "
            + "can't be used to view or modify cluster state.\"}";

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(ScriptedEngine.Kind.class)
    void anAnswerWithAContentLength(ScriptedEngine.Kind kind) throws Exception {
        try (ScriptedEngine engine = ScriptedEngine.start(kind, dir, c -> c.write(ScriptedEngine.answer(200, INFO)));
                EngineTransport transport = transport(engine, Duration.ofSeconds(5));
                DockerHttpClient.Response response = transport.execute(get("/v1.41/info"))) {
            assertEquals(200, response.getStatusCode());
            assertEquals("application/json", response.getHeader("content-type"));
            assertEquals(INFO, text(response.getBody()));
            ScriptedEngine.Received request = engine.received.getFirst();
            assertEquals("GET", request.method());
            assertEquals("/v1.41/info", request.path());
            assertEquals(kind == ScriptedEngine.Kind.UNIX ? "docker" : engine.endpoint().getAuthority(),
                    request.header("Host"));
            assertEquals("close", request.header("Connection"));
            assertEquals(0, transport.openExchanges());
        }
    }

    @Test
    void aChunkedAnswerWithExtensionsAndTrailers() throws Exception {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\n{\"ID\"\r\n" + "a;name=value\r\n:\"engine1\"\r\n" + "1\r\n}\r\n" + "0\r\nX-Trailer: yes\r\n\r\n";
        try (ScriptedEngine engine = ScriptedEngine.start(ScriptedEngine.Kind.TCP, dir, c -> {
                    c.write(chunked);
                    c.stall(); // the end is the last chunk, not the end of the connection
                });
                EngineTransport transport = transport(engine, Duration.ofSeconds(5));
                DockerHttpClient.Response response = transport.execute(get("/v1.41/info"))) {
            assertEquals("{\"ID\":\"engine1\"}", text(response.getBody()));
            assertEquals(0, transport.openExchanges());
            await(() -> engine.closedByClient.get() == 1, "the connection closed once the last chunk was read");
        }
    }

    @Test
    void aRequestBodyGoesWithItsLength() throws Exception {
        try (ScriptedEngine engine = ScriptedEngine.start(ScriptedEngine.Kind.UNIX, dir,
                        c -> c.write("HTTP/1.1 204 No Content\r\n\r\n"));
                EngineTransport transport = transport(engine, Duration.ofSeconds(5))) {
            DockerHttpClient.Request post = DockerHttpClient.Request.builder().method("POST")
                    .path("/v1.41/swarm/leave").putHeader("Content-Type", "application/json")
                    .body(new ByteArrayInputStream("{\"a\":1}".getBytes(StandardCharsets.UTF_8))).build();
            try (DockerHttpClient.Response response = transport.execute(post)) {
                assertEquals(204, response.getStatusCode());
                assertEquals(-1, response.getBody().read());
            }
            ScriptedEngine.Received request = engine.received.getFirst();
            assertEquals("7", request.header("Content-Length"));
            assertEquals("{\"a\":1}", new String(request.body(), StandardCharsets.UTF_8));
            assertEquals("application/json", request.header("Content-Type"));
        }
    }

    @ParameterizedTest
    @EnumSource(ScriptedEngine.Kind.class)
    void dockerJavaDecodesARealAnswerThroughTheTransport(ScriptedEngine.Kind kind) throws Exception {
        try (ScriptedEngine engine = ScriptedEngine.start(kind, dir, c -> c.write(
                        c.request.path().endsWith("/_ping") ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"
                                : ScriptedEngine.answer(200, INFO)));
                DockerConnection connection = DockerConnection.open(engine.endpoint(), Optional.empty(),
                        Duration.ofSeconds(5))) {
            connection.client().pingCmd().exec();
            Info info = connection.client().infoCmd().exec();
            assertEquals("node7", info.getSwarm().getNodeID());
            assertEquals("/v1.41/info", engine.received.get(1).path());
        }
    }

    @Test
    void anEngineErrorIsDockerJavasExceptionWithTheStatus() throws Exception {
        try (ScriptedEngine engine = ScriptedEngine.start(ScriptedEngine.Kind.UNIX, dir,
                        c -> c.write(ScriptedEngine.answer(503, NOT_A_MANAGER)));
                DockerConnection connection = DockerConnection.open(engine.endpoint(), Optional.empty(),
                        Duration.ofSeconds(5))) {
            DockerException e = assertThrows(DockerException.class,
                    () -> connection.client().listSwarmNodesCmd().exec());
            assertEquals(503, e.getHttpStatus());
            assertTrue(e.getMessage().contains("not a swarm manager"), e.getMessage());

            DockerConnection.EngineException raw = assertThrows(DockerConnection.EngineException.class,
                    () -> connection.send("POST", "/swarm/join", Map.of("JoinToken", "SWMTKN-secret")));
            assertEquals(503, raw.status());
            assertTrue(raw.getMessage().startsWith("This node is not a swarm manager"), raw.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(ScriptedEngine.Kind.class)
    void aServerThatAcceptsAndNeverAnswersFailsWithinTheTimeout(ScriptedEngine.Kind kind) throws Exception {
        try (ScriptedEngine engine = ScriptedEngine.start(kind, dir, ScriptedEngine.Connection::stall);
                EngineTransport transport = transport(engine, Duration.ofMillis(500))) {
            DockerHttpClient.Request post = DockerHttpClient.Request.builder().method("POST")
                    .path("/v1.41/swarm/join?x=1").bodyBytes("{\"JoinToken\":\"SWMTKN-secret\"}"
                            .getBytes(StandardCharsets.UTF_8)).build();
            long start = System.nanoTime();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> transport.execute(post));
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(took >= 400 && took < 3000, "took " + took + " ms");
            assertInstanceOf(SocketTimeoutException.class, e.getCause());
            assertEquals(engine.endpoint() + " did not answer POST /v1.41/swarm/join within 500 ms",
                    e.getCause().getMessage());
            await(() -> engine.closedByClient.get() == 1, "the stalled connection was closed");
        }
    }

    @Test
    void tenStalledCallsGiveTheirConnectionsBackAndTheNextCallSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (ScriptedEngine engine = ScriptedEngine.start(ScriptedEngine.Kind.UNIX, dir, c -> {
                    if (calls.incrementAndGet() <= 10) {
                        c.stall();
                    } else {
                        c.write(ScriptedEngine.answer(200, INFO));
                    }
                });
                DockerConnection connection = DockerConnection.open(engine.endpoint(), Optional.empty(),
                        Duration.ofMillis(200))) {
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                RuntimeException e = assertThrows(RuntimeException.class, () -> connection.client().infoCmd().exec());
                assertTrue(Swarm.describe(e).contains("did not answer GET /v1.41/info within 200 ms"),
                        Swarm.describe(e));
            }
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8), "ten bounded calls");
            assertEquals("node7", connection.client().infoCmd().exec().getSwarm().getNodeID());
            await(() -> engine.closedByClient.get() == 10, "every stalled connection was closed by the client");
            assertEquals(11, engine.accepted.get());
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("berth-engine-watchdog")).count() <= 1, "one watchdog thread");
        }
    }

    @Test
    void headersThenAStalledBodyIsBoundedToo() throws Exception {
        try (ScriptedEngine engine = ScriptedEngine.start(ScriptedEngine.Kind.UNIX, dir, c -> {
                    c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"ID\":");
                    c.stall();
                });
                EngineTransport transport = transport(engine, Duration.ofMillis(500));
                DockerConnection connection = DockerConnection.open(engine.endpoint(), Optional.empty(),
                        Duration.ofMillis(500))) {
            long start = System.nanoTime();
            DockerHttpClient.Response response = transport.execute(get("/v1.41/info"));
            assertEquals(200, response.getStatusCode());
            IOException e = assertThrows(IOException.class, () -> response.getBody().readAllBytes());
            assertInstanceOf(SocketTimeoutException.class, e);
            assertTrue(e.getMessage().endsWith("did not answer GET /v1.41/info within 500 ms"), e.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
            response.close();

            start = System.nanoTime();
            RuntimeException viaDockerJava = assertThrows(RuntimeException.class,
                    () -> connection.client().infoCmd().exec());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
            assertTrue(Swarm.describe(viaDockerJava).contains("within 500 ms"), Swarm.describe(viaDockerJava));
            await(() -> engine.closedByClient.get() == 2, "both connections were closed");
        }
    }

    @Test
    void theCurrentStepsWindowBoundsACallWithALongerTimeout() throws Exception {
        try (ScriptedEngine engine = ScriptedEngine.start(ScriptedEngine.Kind.UNIX, dir,
                        ScriptedEngine.Connection::stall);
                EngineTransport transport = transport(engine, Duration.ofSeconds(30))) {
            long start = System.nanoTime();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> CallBound.within(
                    Instant.now().plusMillis(300), () -> transport.execute(get("/v1.41/info"))));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
            assertTrue(e.getMessage().matches(".*within (2[0-9]{2}|300) ms"), e.getMessage());

            // A window already over fails at once, without a connection.
            int before = engine.accepted.get();
            assertThrows(UncheckedIOException.class, () -> CallBound.within(Instant.now().minusMillis(1),
                    () -> transport.execute(get("/v1.41/info"))));
            Thread.sleep(100);
            assertEquals(before, engine.accepted.get());
        }
    }

    @Test
    void anExplicitTimeoutOverridesTheTransportsOwn() throws Exception {
        try (ScriptedEngine engine = ScriptedEngine.start(ScriptedEngine.Kind.UNIX, dir,
                        ScriptedEngine.Connection::stall);
                DockerConnection connection = DockerConnection.open(engine.endpoint(), Optional.empty(),
                        Duration.ofSeconds(30))) {
            long start = System.nanoTime();
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> connection.send("POST", "/swarm/leave", null, Duration.ofMillis(300)));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
            assertTrue(e.getMessage().endsWith("POST /v1.41/swarm/leave within 300 ms"), e.getMessage());
        }
    }

    @Test
    void anEventStreamOutlivesTheTimeoutAndEndsWhenTheTransportCloses() throws Exception {
        try (ScriptedEngine engine = ScriptedEngine.start(ScriptedEngine.Kind.UNIX, dir, c -> {
                    c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "c\r\n{\"Type\":\"a\"}\r\n");
                    c.stall();
                })) {
            EngineTransport transport = transport(engine, Duration.ofMillis(300));
            DockerHttpClient.Response response = transport.execute(get("/v1.41/events?filters=%7B%7D"));
            InputStream body = response.getBody();
            assertEquals("{\"Type\":\"a\"}", new String(body.readNBytes(12), StandardCharsets.UTF_8));
            CompletableFuture<Exception> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    body.read();
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            Thread.sleep(1000); // three times the timeout
            assertFalse(reader.isDone(), "the stream is still open");
            assertEquals(0, engine.closedByClient.get());

            long start = System.nanoTime();
            transport.close();
            Exception ended = reader.get(2, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1));
            assertTrue(ended.getMessage().contains("GET /v1.41/events to " + engine.endpoint() + " ended"),
                    ended.getMessage());
            await(() -> engine.closedByClient.get() == 1, "the stream's connection closed");

            UncheckedIOException later = assertThrows(UncheckedIOException.class,
                    () -> transport.execute(get("/v1.41/info")));
            assertTrue(later.getMessage().endsWith("the Engine API transport is closed"), later.getMessage());
        }
    }

    @Test
    void aMissingSocketFileOrAClosedPortFailsFast() throws Exception {
        URI missing = URI.create("unix://" + dir.resolve("absent.sock"));
        URI refused = URI.create("tcp://127.0.0.1:" + ScriptedEngine.closedPort());
        for (URI endpoint : new URI[] {missing, refused}) {
            try (EngineTransport transport = new EngineTransport(endpoint, Optional.empty(), Duration.ofSeconds(30))) {
                long start = System.nanoTime();
                UncheckedIOException e = assertThrows(UncheckedIOException.class,
                        () -> transport.execute(get("/v1.41/_ping")));
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), endpoint.toString());
                assertTrue(e.getMessage().startsWith(endpoint + ": cannot connect: "), e.getMessage());
            }
        }
    }

    @Test
    void aHijackedRequestIsRefused() throws Exception {
        try (EngineTransport transport = new EngineTransport(URI.create("unix://" + dir.resolve("x.sock")),
                Optional.empty(), Duration.ofSeconds(1))) {
            DockerHttpClient.Request attach = DockerHttpClient.Request.builder().method("POST")
                    .path("/v1.41/containers/c/attach").hijackedInput(InputStream.nullInputStream()).build();
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> transport.execute(attach));
            assertTrue(e.getMessage().contains("hijacked"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(ScriptedEngine.Kind.class)
    void everyRequestAndEveryByteOfItsAnswerIsCounted(ScriptedEngine.Kind kind) throws Exception {
        String answer = ScriptedEngine.answer(200, INFO);
        Traffic traffic = Traffic.to(Traffic.MANAGERS);
        long processBefore = Traffic.total(Traffic.MANAGERS).bytes();
        try (ScriptedEngine engine = ScriptedEngine.start(kind, dir, c -> c.write(answer));
                EngineTransport transport = new EngineTransport(engine.endpoint(), Optional.empty(),
                        Duration.ofSeconds(5), traffic)) {
            for (int i = 0; i < 2; i++) {
                try (DockerHttpClient.Response response = transport.execute(get("/v1.41/info"))) {
                    assertEquals(INFO, text(response.getBody()));
                }
            }
            assertEquals(2, traffic.requests());
            assertEquals(2L * answer.getBytes(StandardCharsets.UTF_8).length, traffic.bytes(), "head and body");
            assertTrue(Traffic.total(Traffic.MANAGERS).bytes() - processBefore >= traffic.bytes(),
                    "the process's total counts them too");
        }
    }

    @Test
    void oversizedHeadersAreRefused() throws Exception {
        try (ScriptedEngine engine = ScriptedEngine.start(ScriptedEngine.Kind.UNIX, dir,
                        c -> c.write("HTTP/1.1 200 OK\r\nX-Big: " + "x".repeat(70_000) + "\r\n\r\n"));
                EngineTransport transport = transport(engine, Duration.ofSeconds(5))) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> transport.execute(get("/v1.41/info")));
            assertTrue(e.getMessage().endsWith("answer headers larger than 64 KiB"), e.getMessage());
            assertNull(e.getCause().getCause());
        }
    }

    private static EngineTransport transport(ScriptedEngine engine, Duration timeout) {
        return new EngineTransport(engine.endpoint(), Optional.empty(), timeout);
    }

    private static DockerHttpClient.Request get(String path) {
        return DockerHttpClient.Request.builder().method("GET").path(path).build();
    }

    private static String text(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 3 s: " + what);
            }
            Thread.sleep(10);
        }
    }
}
