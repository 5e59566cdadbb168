package io.berth.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.agent.traffic.Traffic;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics}: the berth series and JVM basics, checked as text and parsed by the reference Python client
 * (Debian's python3-prometheus-client). Meters live in one registry per JVM, so checks look at differences.
 */
class MetricsTest {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final String INSTALL = "python3-prometheus-client is missing: apt-get install -y python3-prometheus-client"
            + " (bin/test and CI install it; /usr/bin/python3 on purpose, a pyenv python3 lacks it)";

    // Prints {family name: [{type, samples}, …]}; a name listed twice means the parser split a family apart.
    static final String PARSE = """
            import importlib, json, sys
            try:
                parser = importlib.import_module(sys.argv[1])
            except ImportError as e:
                print(e, file=sys.stderr)
                sys.exit(3)
            families = {}
            for f in parser.text_string_to_metric_families(sys.stdin.read()):
                families.setdefault(f.name, []).append(
                    {"type": f.type, "samples": sorted({s.name for s in f.samples})})
            print(json.dumps(families))
            """;

    final AgentMetrics metrics = new AgentMetrics();
    final HttpClient client = HttpClient.newHttpClient();
    ApiServer server;

    @BeforeEach
    void start() throws Exception {
        server = ApiServer.start("127.0.0.1", 0, Optional.empty(), new FakeAgentApi(), metrics);
    }

    @AfterEach
    void stop() {
        server.stop();
        client.close();
    }

    @Test
    void theBerthSeriesAndJvmBasicsAreExposed() throws Exception {
        String before = scrape(server, "text/plain");
        metrics.reconciled(Duration.ofMillis(300));
        metrics.repaired("join");
        metrics.failed("swarm");
        String after = scrape(server, "text/plain");

        String app = "scope=\"application\",";
        assertEquals(1, value(after, "berth_reconciles_total{" + app + "}")
                - value(before, "berth_reconciles_total{" + app + "}"));
        assertEquals(1, value(after, "berth_repairs_total{kind=\"join\"," + app + "}")
                - value(before, "berth_repairs_total{kind=\"join\"," + app + "}"));
        assertEquals(1, value(after, "berth_failures_total{kind=\"swarm\"," + app + "}")
                - value(before, "berth_failures_total{kind=\"swarm\"," + app + "}"));
        assertEquals(1, value(after, "berth_reconcile_seconds_count{" + app + "}")
                - value(before, "berth_reconcile_seconds_count{" + app + "}"));
        assertTrue(after.contains("berth_reconcile_seconds_bucket{" + app + "le=\"0.5\",}"), after);
        assertTrue(after.contains("\njvm_memory_used_bytes{area=\"heap\""), after);
        assertTrue(after.contains("\njvm_threads_live_threads{scope=\"base\",}"), after);
    }

    @Test
    void requestsAndResponseBytesByPeerAreTheProcessTotals() throws Exception {
        String before = scrape(server, "text/plain");
        Traffic.to(Traffic.POWERDNS).request();
        Traffic client = Traffic.to(Traffic.MANAGERS);
        client.request();
        client.received(1234);
        String after = scrape(server, "text/plain");
        String app = "scope=\"application\",";
        for (String peer : Traffic.PEERS) {
            assertTrue(after.contains("\nberth_requests_total{peer=\"" + peer + "\"," + app + "}"), peer + "\n" + after);
            assertTrue(after.contains("\nberth_response_bytes_total{peer=\"" + peer + "\"," + app + "}"), after);
        }
        assertEquals(1, value(after, "berth_requests_total{peer=\"powerdns\"," + app + "}")
                - value(before, "berth_requests_total{peer=\"powerdns\"," + app + "}"));
        assertEquals(1234, value(after, "berth_response_bytes_total{peer=\"managers\"," + app + "}")
                - value(before, "berth_response_bytes_total{peer=\"managers\"," + app + "}"));
    }

    @Test
    void scopeSelectionWorks() throws Exception {
        // Helidon's scope filter answers 500 when any meter lacks a scope tag; ours all have one.
        String application = get("/metrics?scope=application");
        assertTrue(application.contains("\nberth_reconciles_total{"), application);
        assertFalse(application.contains("jvm_"), application);
        String base = get("/metrics?scope=base");
        assertTrue(base.contains("\njvm_memory_used_bytes{"), base);
        assertFalse(base.contains("berth_"), base);
    }

    @Test
    void countersExistBeforeFirstUse() throws Exception {
        String text = scrape(server, "text/plain");
        for (String series : List.of("berth_reconciles_total{", "berth_repairs_total{kind=\"record\",",
                "berth_repairs_total{kind=\"labels\",", "berth_failures_total{kind=\"dns\",",
                "berth_failures_total{kind=\"agent\",", "berth_reconcile_seconds_count{")) {
            assertTrue(text.contains("\n" + series), series + " missing in\n" + text);
        }
        metrics.repaired("brand-new-kind");
        assertEquals(1, value(scrape(server, "text/plain"),
                "berth_repairs_total{kind=\"brand-new-kind\",scope=\"application\",}"));
    }

    @Test
    void thePrometheusClientParsesTheText() throws Exception {
        metrics.reconciled(Duration.ofMillis(40));
        assertFamilies(parse(scrape(server, "text/plain"), "prometheus_client.parser"));
    }

    @Test
    void thePrometheusClientParsesOpenMetricsToo() throws Exception {
        // What a Prometheus server asks for first.
        String text = scrape(server, "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertTrue(text.strip().endsWith("# EOF"), text);
        assertFamilies(parse(text, "prometheus_client.openmetrics.parser"));
    }

    @Test
    void severalMetricsAndServersShareOneRegistry() throws Exception {
        AgentMetrics other = new AgentMetrics();
        ApiServer second = ApiServer.start("127.0.0.1", 0, Optional.empty(), new FakeAgentApi(), other);
        try {
            String series = "berth_reconciles_total{scope=\"application\",}";
            double before = value(scrape(second, "text/plain"), series);
            metrics.reconciled(Duration.ofMillis(5));
            other.reconciled(Duration.ofMillis(5));
            assertEquals(2, value(scrape(second, "text/plain"), series) - before);
            assertEquals(value(scrape(server, "text/plain"), series), value(scrape(second, "text/plain"), series));
        } finally {
            second.stop();
        }
    }

    static void assertFamilies(JsonNode families) {
        Map<String, String> expected = Map.of(
                "berth_reconciles", "counter",
                "berth_repairs", "counter",
                "berth_failures", "counter",
                "berth_reconcile_seconds", "histogram",
                "jvm_memory_used_bytes", "gauge",
                "jvm_threads_live_threads", "gauge");
        expected.forEach((name, type) -> {
            JsonNode found = families.path(name);
            assertEquals(1, found.size(), () -> name + " should parse as one family: " + families);
            assertEquals(type, found.get(0).path("type").asText(), name);
        });
        assertEquals("[\"berth_reconciles_total\"]", families.get("berth_reconciles").get(0).get("samples").toString());
        String histogram = families.get("berth_reconcile_seconds").get(0).get("samples").toString();
        for (String sample : List.of("berth_reconcile_seconds_bucket", "berth_reconcile_seconds_count",
                "berth_reconcile_seconds_sum")) {
            assertTrue(histogram.contains("\"" + sample + "\""), histogram);
        }
    }

    String get(String pathAndQuery) throws Exception {
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    String scrape(ApiServer target, String accept) throws Exception {
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + "/metrics"))
                        .header("Accept", accept)
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The value of one series, by its exact name and labels as exposed; fails if absent. */
    static double value(String text, String series) {
        return text.lines()
                .filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).strip()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(series + " missing in\n" + text));
    }

    /** Parses exposition text with prometheus_client's parser module; fails (never skips) without the package. */
    static JsonNode parse(String text, String parserModule) throws Exception {
        if (!Files.isExecutable(PYTHON)) {
            fail(PYTHON + " is missing; " + INSTALL);
        }
        Process python = new ProcessBuilder(PYTHON.toString(), "-c", PARSE, parserModule).start();
        CompletableFuture<String> out = read(python.getInputStream());
        CompletableFuture<String> err = read(python.getErrorStream());
        try (OutputStream in = python.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        if (!python.waitFor(30, TimeUnit.SECONDS)) {
            python.destroyForcibly();
            fail("python3 did not finish parsing within 30 s");
        }
        if (python.exitValue() == 3) {
            fail(INSTALL + " (" + err.get().strip() + ")");
        }
        if (python.exitValue() != 0) {
            fail("prometheus_client rejected /metrics: " + err.get() + "\n--- text ---\n" + text);
        }
        return new ObjectMapper().readTree(out.get());
    }

    static CompletableFuture<String> read(java.io.InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }
}
