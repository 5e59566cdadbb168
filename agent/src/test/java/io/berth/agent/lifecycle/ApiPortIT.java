package io.berth.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.lab.IntegrationTest;
import io.berth.lab.Lab;
import io.berth.lab.LabEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `run` whose API address is taken by another process: it keeps healing, says why in one line, binds once it can. */
@IntegrationTest
class ApiPortIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Lab(workers = 1)
    static LabEnv lab;

    @TempDir
    static Path dir;

    @Test
    void aTakenApiPortIsReportedInOneLineWhileRunHealsAndTheApiServesOnceItIsFree() throws Exception {
        // Another process holds the port inside w1 (busybox's nc listening on every address).
        Process blocker = lab.inHost("w1", "busybox", "nc", "-l", "-p", "9813").redirectErrorStream(true).start();
        AgentOnHost w1 = new AgentOnHost(lab, "w1", dir);
        w1.withExtra("api: {listen: \"0.0.0.0:9813\"}\n");
        String api = "http://" + lab.host("w1").addr() + ":9813";
        Thread.sleep(500); // nc binds at once; give the exec a moment
        AgentOnHost.Daemon daemon = w1.startDaemon();
        try {
            try {
                Swarms.await("status says the API does not serve", Duration.ofSeconds(60),
                        () -> lastStatus(w1).path("api").asText().contains("Address already in use"));
                Swarms.await("and it healed meanwhile: registered and in the Swarm", Duration.ofSeconds(60),
                        () -> lab.resolve(w1.fqdn(), "A").equals(List.of(lab.host("w1").addr()))
                                && lastStatus(w1).path("node").path("availability").asText().equals("active"));
                JsonNode status = lastStatus(w1);
                assertFalse(status.path("ready").asBoolean(), status.toString());
                assertTrue(status.path("notReadyReason").asText()
                        .startsWith("API not serving: cannot listen on 0.0.0.0:9813"), status.toString());
                assertTrue(daemon.process.isAlive(), "run never exits on its own");
            } finally {
                blocker.destroy();
                blocker.waitFor(5, TimeUnit.SECONDS);
            }
            Swarms.await("the API serves once the port is free", Duration.ofSeconds(45),
                    () -> EngineFaultsIT.get(api + "/health/live") == 200);
            Swarms.await("ready", Duration.ofSeconds(30), () -> EngineFaultsIT.get(api + "/health/ready") == 200);
            assertEquals("serving", EngineFaultsIT.status(api).path("api").asText());
        } finally {
            int exit = daemon.terminate(10);
            System.out.println("---- berth-agent run's log ----\n" + daemon.log());
            assertEquals(0, exit);
        }
        String log = daemon.log();
        assertEquals(1, log.lines().filter(l -> l.contains("cannot listen on")).count(), "one line, not one a try:\n" + log);
        assertFalse(log.contains("\tat ") || log.contains("SEVERE") || log.contains("BindException"),
                "no stack trace:\n" + log);
        assertEquals(0, w1.run("shutdown").exit());
    }

    private static JsonNode lastStatus(AgentOnHost agent) {
        try {
            return JSON.readTree(agent.stateDir.resolve("status.json").toFile());
        } catch (Exception notYet) {
            return JSON.createObjectNode();
        }
    }
}
