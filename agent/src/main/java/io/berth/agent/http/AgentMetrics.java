package io.berth.agent.http;

import io.berth.agent.traffic.Traffic;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.helidon.service.registry.Services;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agent's meters, exposed on {@code GET /metrics} as {@code berth_reconciles_total},
 * {@code berth_repairs_total{kind}}, {@code berth_failures_total{kind}}, {@code berth_reconcile_seconds},
 * {@code berth_requests_total{peer}} and {@code berth_response_bytes_total{peer}} (peer: powerdns, engine,
 * managers; everything this process sent and received, read from {@link Traffic}) and JVM basics
 * ({@code jvm_memory_*}, {@code jvm_threads_*}).
 */
public final class AgentMetrics {

    // Prometheus names come from these by the Micrometer provider: dots become underscores, counters get "_total",
    // timers get "_seconds" plus "_count", "_sum", "_max" and "_bucket".
    private static final String RECONCILES = "berth.reconciles";
    private static final String REPAIRS = "berth.repairs";
    private static final String FAILURES = "berth.failures";
    private static final String RECONCILE_TIME = "berth.reconcile";
    private static final String REQUESTS = "berth.requests";
    private static final String RESPONSE_BYTES = "berth.response.bytes";

    // Created at zero so a dashboard's rate() has a series before the first repair or failure.
    private static final List<String> KNOWN_REPAIRS = List.of("record", "join", "labels", "activate", "address");
    private static final List<String> KNOWN_FAILURES = List.of("dns", "swarm", "engine", "agent");

    // A reconcile normally takes well under a second; a slow manager or nameserver stretches it to tens of seconds.
    private static final Duration[] BUCKETS = {
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private static final AtomicBoolean JVM_BOUND = new AtomicBoolean();

    private final MeterRegistry registry;
    private final Counter reconciles;
    private final Timer reconcileTime;

    /** Meters in Helidon's global registry; several instances share them (getOrCreate), so tests may make many. */
    public AgentMetrics() {
        // Helidon 4.5 deprecates Metrics.globalRegistry() for the service registry, which hands out the same one.
        registry = Services.get(MeterRegistry.class);
        if (JVM_BOUND.compareAndSet(false, true)) {
            // Helidon's own JVM meters live in helidon-metrics-system-meters, which the agent does not ship: bind
            // Micrometer's to the registry underneath instead, once (a second binding only logs warnings). They
            // need a scope tag: Helidon's /metrics?scope=… filter fails with a 500 on meters without one.
            io.micrometer.core.instrument.MeterRegistry micrometer =
                    registry.unwrap(io.micrometer.core.instrument.MeterRegistry.class);
            Tags base = Tags.of("scope", "base");
            new JvmMemoryMetrics(base).bindTo(micrometer);
            new JvmThreadMetrics(base).bindTo(micrometer);
        }

        reconciles = registry.getOrCreate(Counter.builder(RECONCILES)
                .description("Reconcile passes completed"));
        reconcileTime = registry.getOrCreate(Timer.builder(RECONCILE_TIME)
                .description("Time one reconcile pass took")
                // Helidon publishes six client-side quantiles by default; inside a Prometheus histogram family
                // they break strict parsers, and buckets aggregate across hosts where quantiles cannot.
                .percentiles(new double[0])
                .buckets(BUCKETS));
        KNOWN_REPAIRS.forEach(kind -> counter(REPAIRS, kind));
        KNOWN_FAILURES.forEach(kind -> counter(FAILURES, kind));
        for (String peer : Traffic.PEERS) {
            Traffic total = Traffic.total(peer);
            registry.getOrCreate(FunctionalCounter.builder(REQUESTS, total, Traffic::requests)
                    .description("API requests sent, by peer (retries included)")
                    .addTag(Tag.create("peer", peer)));
            registry.getOrCreate(FunctionalCounter.builder(RESPONSE_BYTES, total, Traffic::bytes)
                    .description("Bytes of API answers received, by peer (PowerDNS: bodies; Engine API: HTTP)")
                    .addTag(Tag.create("peer", peer)));
        }
    }

    /** One reconcile pass finished, successful or not, after {@code took}. */
    public void reconciled(Duration took) {
        reconciles.increment();
        reconcileTime.record(took);
    }

    /** Something drifted and was put right: record, join, labels, activate, address… */
    public void repaired(String kind) {
        counter(REPAIRS, kind).increment();
    }

    /** Something failed: dns, swarm, engine, agent (see FailureKind). */
    public void failed(String kind) {
        counter(FAILURES, kind).increment();
    }

    /** The registry {@code /metrics} serves: the same one these meters are in. */
    MeterRegistry registry() {
        return registry;
    }

    private Counter counter(String name, String kind) {
        String description = name.equals(REPAIRS) ? "Drift put right, by kind" : "Failures, by kind";
        return registry.getOrCreate(Counter.builder(name)
                .description(description)
                .addTag(Tag.create("kind", Objects.requireNonNullElse(kind, "unknown"))));
    }
}
