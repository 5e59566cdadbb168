package io.berth.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.agent.dns.DnsException;
import io.berth.agent.swarm.Engine;
import io.berth.agent.swarm.Managers;
import io.berth.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** berth_failures_total{kind}: a step's failure by its step, anything else by what really failed. */
class FailureKindTest {

    @TempDir
    Path dir;

    @Test
    void aStepsFailureCountsByItsStep() {
        assertEquals("dns", FailureKind.ofStep("record"));
        assertEquals("dns", FailureKind.ofStep("deregister"));
        for (String step : List.of("join", "labels", "stale-node", "activate", "drain", "wait", "leave", "remove")) {
            assertEquals("swarm", FailureKind.ofStep(step), step);
        }
    }

    @Test
    void theLocalEngineNotAnsweringCountsAsEngine() {
        URI absent = URI.create("unix://" + dir.resolve("absent.sock"));
        try (Engine engine = Engine.open(absent, Duration.ofSeconds(1))) {
            Exception e = assertThrows(Exception.class, engine::swarm);
            assertEquals("engine", FailureKind.of(e));
            assertEquals("engine", FailureKind.of(new IllegalStateException("wrapped", e)));
        }
    }

    @Test
    void noManagerAnsweringCountsAsSwarm() {
        URI absent = URI.create("unix://" + dir.resolve("absent.sock"));
        try (Managers managers = Managers.open(List.of(absent), Optional.empty(), Duration.ofSeconds(1))) {
            Exception e = assertThrows(Exception.class, () -> managers.node("n1"));
            assertEquals("swarm", FailureKind.of(e));
        }
    }

    @Test
    void powerDnsCountsAsDns() {
        assertEquals("dns", FailureKind.of(new DnsException("PowerDNS answered 401", false)));
    }

    @Test
    void theStateFileTheLockAndTheConfigAreTheAgentsOwn() {
        assertEquals("agent", FailureKind.of(new UncheckedIOException("cannot write the agent's state",
                new IOException("No space left on device"))));
        assertEquals("agent", FailureKind.of(new ConfigException("host.name", "not a DNS label")));
        assertEquals("agent", FailureKind.of(new IOException("another berth-agent holds " + dir.resolve("agent.lock")
                + ": not running run alongside it")));
        assertEquals("agent", FailureKind.of(new NullPointerException()));
    }
}
