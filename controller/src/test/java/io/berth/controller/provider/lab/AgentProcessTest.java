package io.berth.controller.provider.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentProcessTest {

    @TempDir
    Path dir;

    @Test
    void theAgentIsKnownByRunAndItsOwnConfig() {
        Path config = Path.of("/lab/vms/blue1/root/etc/berth/agent.yml");
        assertTrue(AgentProcess.isRunOf(List.of("java", "-jar", "berth-agent.jar", "run", "--config", config.toString()), config));
        assertTrue(AgentProcess.isRunOf(List.of("setsid", "lab", "exec", "--lab", "pv1", "blue1", "--", "berth-agent",
                "run", "--config", config.toString()), config));
        assertFalse(AgentProcess.isRunOf(List.of("berth-agent", "shutdown", "--config", config.toString()), config));
        assertFalse(AgentProcess.isRunOf(List.of("berth-agent", "run", "--config", "/lab/vms/blue2/root/etc/berth/agent.yml"), config));
        assertFalse(AgentProcess.isRunOf(List.of("berth-agent", "run", "--config"), config));
        assertFalse(AgentProcess.isRunOf(List.of("sleep", "100"), config));
    }

    @Test
    void aPidIsBelievedOnlyWhileItIsTheAgent() throws Exception {
        Path config = dir.resolve("agent.yml");
        Path pidFile = dir.resolve("run.pid");
        assertEquals(OptionalLong.empty(), AgentProcess.running(pidFile, config), "no pid file");
        Files.writeString(pidFile, "not a pid\n");
        assertEquals(OptionalLong.empty(), AgentProcess.running(pidFile, config), "garbage");

        // A stand-in with the agent's arguments: sh keeps them as its own ($0 = run).
        Process agent = new ProcessBuilder("sh", "-c", "sleep 30; :", "run", "--config", config.toString()).start();
        Process other = new ProcessBuilder("sh", "-c", "sleep 30; :", "run", "--config", "/elsewhere.yml").start();
        try {
            AgentProcess.writePid(pidFile, agent.pid());
            assertEquals(OptionalLong.of(agent.pid()), AgentProcess.running(pidFile, config));
            AgentProcess.writePid(pidFile, other.pid());
            assertEquals(OptionalLong.empty(), AgentProcess.running(pidFile, config), "a reused pid is someone else");

            AgentProcess.writePid(pidFile, agent.pid());
            AgentProcess.stop(agent.pid(), Duration.ofSeconds(5));
            assertTrue(agent.waitFor(5, TimeUnit.SECONDS));
            assertEquals(OptionalLong.empty(), AgentProcess.running(pidFile, config), "dead");
        } finally {
            agent.destroyForcibly();
            other.destroyForcibly();
        }
    }

    @Test
    void aProcessThatIgnoresSigtermIsKilledAfterItsGrace() throws Exception {
        Path config = dir.resolve("agent.yml");
        Process stubborn = new ProcessBuilder("sh", "-c", "trap '' TERM; sleep 30; :", "run", "--config",
                config.toString()).start();
        try {
            Thread.sleep(200);   // the trap is set
            long start = System.nanoTime();
            AgentProcess.stop(stubborn.pid(), Duration.ofMillis(500));
            assertFalse(AgentProcess.alive(stubborn.pid()));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4));
        } finally {
            stubborn.destroyForcibly();
        }
    }
}
