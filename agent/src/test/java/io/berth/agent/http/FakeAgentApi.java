package io.berth.agent.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** An agent whose answers the test sets, counting what the API asked of it. */
final class FakeAgentApi implements AgentApi {

    volatile boolean ready;
    volatile String notReadyReason = "record missing at the nameserver";
    volatile ActionResult drainResult = new ActionResult(true, "drained w1 (operator)", false);
    volatile ActionResult activateResult = new ActionResult(true, "w1 active again", false);
    volatile Exception drainFailure;
    volatile Duration drainTakes = Duration.ZERO;
    volatile RuntimeException statusFailure;
    final AtomicInteger drains = new AtomicInteger();
    final AtomicInteger activates = new AtomicInteger();

    @Override
    public AgentStatus status() {
        if (statusFailure != null) {
            throw statusFailure;
        }
        return new AgentStatus(
                ready ? "ready" : "not-ready",
                ready,
                ready ? "" : notReadyReason,
                "4c1d-identity",
                "w1.lab.example.",
                "10.0.0.5",
                "serving",
                new AgentStatus.Record("registered", "10.0.0.5", "w1.lab.example."),
                new AgentStatus.Node("n0de1d", "ready", "active", Map.of("berth.pool", "blue")),
                "",
                "2026-01-02T03:04:05Z",
                "",
                "",
                "",
                "");
    }

    @Override
    public Map<String, Object> facts() {
        return Map.of("ansible_hostname", "w1", "ansible_processor_vcpus", 2, "berth_hw_uuid", "NA");
    }

    @Override
    public ActionResult drain() throws Exception {
        drains.incrementAndGet();
        Thread.sleep(drainTakes);
        if (drainFailure != null) {
            throw drainFailure;
        }
        return drainResult;
    }

    @Override
    public ActionResult activate() {
        activates.incrementAndGet();
        return activateResult;
    }
}
