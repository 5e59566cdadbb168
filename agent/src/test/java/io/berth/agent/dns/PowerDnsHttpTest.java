package io.berth.agent.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP side against a loopback stand-in for PowerDNS that answers as 4.7 does. */
class PowerDnsHttpTest {

    static final String KEY = "s3cret-key";

    interface Answer {
        void answer(HttpExchange exchange, int call) throws IOException;
    }

    HttpServer server;
    volatile Answer answer;
    final AtomicInteger calls = new AtomicInteger();
    final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
    Path keyFile;
    PowerDnsHttp dns;

    @BeforeEach
    void start(@TempDir Path dir) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " key="
                    + exchange.getRequestHeaders().getFirst("X-API-Key") + " body="
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            // 4.7 closes the connection after every response.
            exchange.getResponseHeaders().add("Connection", "close");
            answer.answer(exchange, calls.incrementAndGet());
            exchange.close();
        });
        server.start();
        keyFile = dir.resolve("key");
        Files.writeString(keyFile, KEY + "\n");
        dns = new PowerDnsHttp(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), keyFile,
                "localhost", Duration.ofSeconds(2), Duration.ofSeconds(3));
    }

    @AfterEach
    void stop() {
        dns.close();
        server.stop(0);
    }

    static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Test
    void getAsksForOneRRsetWithFiltersAndTheStrippedKey() throws Exception {
        answer = (exchange, call) -> reply(exchange, 200, PdnsJsonTest.GET_BODY);
        RRset rrset = dns.get("lab.test", "W1.lab.test", "A").orElseThrow();
        assertEquals(List.of("10.0.0.5"), rrset.contents());
        assertEquals("GET /api/v1/servers/localhost/zones/lab.test.?rrset_name=w1.lab.test.&rrset_type=A key="
                + KEY + " body=", seen.peek());
        assertEquals(1, dns.requests());
    }

    @Test
    void responseBodyBytesAreCountedRetriesIncluded() throws Exception {
        answer = (exchange, call) -> {
            if (call == 1) {
                reply(exchange, 500, "Internal Server Error");
            } else {
                reply(exchange, 200, PdnsJsonTest.GET_BODY);
            }
        };
        dns.get("lab.test.", "w1.lab.test.", "A");
        assertEquals(2, dns.requests());
        assertEquals("Internal Server Error".length() + PdnsJsonTest.GET_BODY.getBytes(StandardCharsets.UTF_8).length,
                dns.responseBytes());
    }

    @Test
    void patchSendsAllChangesInOneRequest() throws Exception {
        answer = (exchange, call) -> reply(exchange, 204, "");
        dns.patch("lab.test.", List.of(RRsetChange.delete("a.lab.test.", "A"), RRsetChange.delete("b.lab.test.", "A")));
        assertEquals(1, seen.size());
        assertTrue(seen.peek().startsWith("PATCH /api/v1/servers/localhost/zones/lab.test. "), seen.peek());
        assertTrue(seen.peek().contains("b.lab.test."), seen.peek());
        dns.patch("lab.test.", List.of());
        assertEquals(1, dns.requests(), "an empty change list sends nothing");
    }

    @Test
    void serverErrorsAreRetriedUntilTheyPass() throws Exception {
        answer = (exchange, call) -> reply(exchange, call <= 3 ? 500 : 204, call <= 3 ? "Internal Server Error" : "");
        dns.patch("lab.test.", List.of(RRsetChange.delete("a.lab.test.", "A")));
        assertEquals(4, dns.requests());
        assertEquals(3, dns.retries());
    }

    @Test
    void serverErrorsPastTheDeadlineAreTransientFailures() {
        answer = (exchange, call) -> reply(exchange, 500, "Internal Server Error");
        DnsException e = assertThrows(DnsException.class, () -> dns.get("lab.test.", "w1.lab.test.", "A"));
        assertTrue(e.isTransient());
        assertTrue(e.getMessage().contains("Internal Server Error (500)"), e.getMessage());
        assertTrue(dns.requests() > 2, "retried: " + dns.requests());
    }

    @Test
    void wrongKeyIsNamedWithoutTheKey() {
        answer = (exchange, call) -> reply(exchange, 401, "Unauthorized");
        DnsException e = assertThrows(DnsException.class, () -> dns.get("lab.test.", "w1.lab.test.", "A"));
        assertEquals("PowerDNS at http://127.0.0.1:" + server.getAddress().getPort() + " rejected the API key (401)",
                e.getMessage());
        assertFalse(e.isTransient());
        assertFalse(e.getMessage().contains(KEY));
        assertEquals(1, dns.requests(), "not retried");
    }

    @Test
    void unknownZoneAndRejectedDataAreNotRetried() {
        answer = (exchange, call) -> reply(exchange, 404, "Not Found");
        DnsException missing = assertThrows(DnsException.class, () -> dns.get("nope.test.", "w1.nope.test.", "A"));
        assertTrue(missing.getMessage().startsWith("zone nope.test. not found on http://127.0.0.1:"),
                missing.getMessage());
        answer = (exchange, call) -> reply(exchange, 422, "{\"error\": \"RRset w1.other. IN A: Name is out of zone\"}");
        DnsException rejected = assertThrows(DnsException.class,
                () -> dns.patch("lab.test.", List.of(RRsetChange.delete("w1.other.", "A"))));
        assertTrue(rejected.getMessage().endsWith("refused PATCH of zone lab.test.: RRset w1.other. IN A: "
                + "Name is out of zone (422)"), rejected.getMessage());
        assertFalse(rejected.isTransient());
        assertEquals(2, dns.requests());
    }

    @Test
    void keyIsReadOnEveryRequest() throws Exception {
        answer = (exchange, call) -> reply(exchange, 204, "");
        dns.patch("lab.test.", List.of(RRsetChange.delete("a.lab.test.", "A")));
        Files.writeString(keyFile, "rotated");
        dns.patch("lab.test.", List.of(RRsetChange.delete("a.lab.test.", "A")));
        assertTrue(seen.stream().skip(1).findFirst().orElseThrow().contains("key=rotated"));
    }

    @Test
    void badKeyFilesFailWithoutQuotingTheKey() throws Exception {
        answer = (exchange, call) -> reply(exchange, 204, "");
        Files.writeString(keyFile, "two\nlines-" + KEY);
        DnsException e = assertThrows(DnsException.class, () -> dns.get("lab.test.", "w1.lab.test.", "A"));
        assertFalse(e.getMessage().contains(KEY), e.getMessage());
        Files.delete(keyFile);
        e = assertThrows(DnsException.class, () -> dns.get("lab.test.", "w1.lab.test.", "A"));
        assertTrue(e.getMessage().contains(keyFile.toString()), e.getMessage());
        assertEquals(0, dns.requests());
    }

    @Test
    void refusedConnectionsAreTransient() throws Exception {
        server.stop(0);
        PowerDnsHttp closed = new PowerDnsHttp(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                keyFile, "localhost", Duration.ofSeconds(1), Duration.ofMillis(500));
        try (closed) {
            DnsException e = assertThrows(DnsException.class, () -> closed.get("lab.test.", "w1.lab.test.", "A"));
            assertTrue(e.isTransient());
            assertTrue(e.getMessage().startsWith("cannot reach PowerDNS at http://127.0.0.1:"), e.getMessage());
            assertTrue(closed.requests() >= 2, "retried");
        }
    }
}
