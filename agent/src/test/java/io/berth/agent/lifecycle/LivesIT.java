package io.berth.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import io.berth.agent.swarm.DockerConnection;
import io.berth.lab.IntegrationTest;
import io.berth.lab.Lab;
import io.berth.lab.LabEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host's lives: a run-only host (LinuxKit: service + onshutdown, a persistent state dir) rebooted with a new
 * kernel boot id, and agents SIGKILLed in the middle of a step (its request under way: the engine or manager did the
 * work, the agent never heard) then run again or rebooted. Each leaves the host right.
 */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LivesIT {

    @Lab(workers = 2)
    static LabEnv lab;

    @TempDir
    static Path dir;

    @AutoClose
    static DockerConnection managerConnection;
    static DockerClient manager;

    @BeforeAll
    static void w2TakesTheTasks() {
        managerConnection = Swarms.connect(lab.managerApi());
        manager = managerConnection.client();
        assertEquals(0, new AgentOnHost(lab, "w2", dir).run("boot").exit());
    }

    /** The node id w1's engine reports now, empty when it is not in a Swarm. */
    static String nodeOf(String host) {
        String id = Swarms.nodeIdOf(lab, host);
        return id == null ? "" : id;
    }

    @Test
    @Order(1)
    void aRunOnlyHostsSecondLifeShutdownWaitsForTheTasksOfThatLife() throws Exception {
        AgentOnHost w1 = new AgentOnHost(lab, "w1", dir);
        w1.append("reconcile: {interval: 10s}\n");
        // Life 1: run boots the host, a service lands on it, shutdown hands it over while run is alive.
        AgentOnHost.Daemon run = w1.startDaemon();
        Swarms.await("w1 joined and active", Duration.ofSeconds(60), () -> Swarms.node(manager, nodeOfOrEmpty("w1"))
                .map(n -> n.getSpec().getAvailability() == SwarmNodeAvailability.ACTIVE).orElse(false));
        Swarms.createBlueService(manager, lab.image(), "first-life", 2, Duration.ofSeconds(5));
        String first = nodeOf("w1");
        Swarms.await("a task of the first life on w1", Duration.ofSeconds(60),
                () -> Swarms.running(manager, "first-life").stream().anyMatch(t -> first.equals(t.getNodeId())));
        assertEquals(0, w1.run("shutdown").exit());
        assertEquals(0, run.terminate(10), run.log());

        // A reboot on the same disks, in a new kernel boot: run alone again.
        String bootId = lab.bootId("w1");
        lab.restart("w1", true);
        assertNotEquals(bootId, lab.bootId("w1"));
        run = w1.startDaemon();
        try {
            Swarms.await("w1 joined and active again", Duration.ofSeconds(60), () -> Swarms.node(manager,
                            nodeOfOrEmpty("w1"))
                    .map(n -> n.getSpec().getAvailability() == SwarmNodeAvailability.ACTIVE).orElse(false));
            String second = nodeOf("w1");
            Swarms.createBlueService(manager, lab.image(), "second-life", 4, Duration.ofSeconds(5));
            Swarms.await("tasks of the second life on w1", Duration.ofSeconds(60),
                    () -> Swarms.running(manager, "second-life").size() == 4 && Swarms.running(manager, "second-life")
                            .stream().anyMatch(t -> second.equals(t.getNodeId())));

            AgentOnHost.Result shutdown = w1.run("shutdown");
            assertEquals(0, shutdown.exit(), shutdown.output());
            // Right after shutdown exits: every replica of this life's service runs, none on w1.
            assertEquals(4, Swarms.running(manager, "second-life").size(), shutdown.output());
            assertTrue(Swarms.running(manager, "second-life").stream().noneMatch(t -> second.equals(t.getNodeId())));
        } finally {
            run.terminate(10);
            manager.removeServiceCmd("first-life").exec();
            manager.removeServiceCmd("second-life").exec();
        }
    }

    @Test
    @Order(2)
    void killedWhileItsJoinWasUnderWayARerunActivatesTheNodeItsJoinHeld() throws Exception {
        Path engine = Path.of(lab.host("w1").sock().substring("unix://".length()));
        try (HoldingProxy proxy = HoldingProxy.unix(dir.resolve("w1-engine.sock"), engine)) {
            AgentOnHost w1 = new AgentOnHost(lab, "w1", proxy.endpoint(), dir);
            proxy.holdAnswerTo("^POST /v[0-9.]+/swarm/join");
            Process boot = w1.start("boot");
            proxy.held().get(60, TimeUnit.SECONDS); // the engine joined; the agent has not heard
            boot.destroyForcibly();
            assertTrue(boot.waitFor(10, TimeUnit.SECONDS));
            Swarms.await("the engine is in the Swarm, held", Duration.ofSeconds(30), () -> !nodeOfOrEmpty("w1").isEmpty());
            String nodeId = nodeOf("w1");
            assertEquals(SwarmNodeAvailability.DRAIN, Swarms.node(manager, nodeId).orElseThrow().getSpec()
                    .getAvailability());

            AgentOnHost.Result rerun = w1.run("boot");
            assertEquals(0, rerun.exit(), rerun.output());
            assertTrue(rerun.says("activated node " + nodeId), rerun.output());
            assertEquals(SwarmNodeAvailability.ACTIVE, Swarms.node(manager, nodeId).orElseThrow().getSpec()
                    .getAvailability());
        }
    }

    @Test
    @Order(3)
    void killedWhileItsDrainWasUnderWayTheNextLifesBootActivatesTheNode() throws Exception {
        AgentOnHost w1 = new AgentOnHost(lab, "w1", dir);
        assertEquals(0, w1.run("boot").exit());
        String nodeId = nodeOf("w1");
        try (HoldingProxy proxy = HoldingProxy.tcp(lab.get("LAB_GATEWAY"), lab.managerAddr(), 2375)) {
            w1.replaceLine("managerApi:", "managerApi: [" + proxy.endpoint() + "]");
            proxy.holdAnswerTo("^POST /v[0-9.]+/nodes/" + nodeId + "/update");
            Process shutdown = w1.start("shutdown");
            proxy.held().get(60, TimeUnit.SECONDS); // the manager drained the node; the agent has not heard
            shutdown.destroyForcibly();
            assertTrue(shutdown.waitFor(10, TimeUnit.SECONDS));
        }
        assertEquals(SwarmNodeAvailability.DRAIN, Swarms.node(manager, nodeId).orElseThrow().getSpec()
                .getAvailability());

        // A reboot on the same disks (the node keeps its id, drained), in a new kernel boot.
        lab.restart("w1", true);
        w1.write(w1.defaultYaml());
        AgentOnHost.Result boot = w1.run("boot");
        assertEquals(0, boot.exit(), boot.output());
        assertEquals(nodeId, nodeOf("w1"), "the same node");
        assertTrue(boot.says("activated node " + nodeId), boot.output());
        assertEquals(SwarmNodeAvailability.ACTIVE, Swarms.node(manager, nodeId).orElseThrow().getSpec()
                .getAvailability(), "the drain of the unfinished shutdown was ours to lift");
    }

    @Test
    @Order(4)
    void aRotatedPowerDnsKeyMakesRunNotReadyUntilTheKeyFileIsFixed() throws Exception {
        AgentOnHost w1 = new AgentOnHost(lab, "w1", dir);
        Path key = Files.writeString(dir.resolve("pdns.key"), Files.readString(lab.pdnsKeyFile()));
        w1.replaceLine("apiKeyFile:", "apiKeyFile: " + key);
        w1.append("reconcile: {interval: 3s}\napi: {listen: \"0.0.0.0:9813\"}\n");
        String api = "http://" + lab.host("w1").addr() + ":9813";
        AgentOnHost.Daemon run = w1.startDaemon();
        try {
            Swarms.await("ready", Duration.ofSeconds(60), () -> EngineFaultsIT.get(api + "/health/ready") == 200);
            Files.writeString(key, "a-key-that-was-rotated-away\n");
            Swarms.await("not ready: the key is refused", Duration.ofSeconds(60),
                    () -> EngineFaultsIT.get(api + "/health/ready") == 503);
            String reason = EngineFaultsIT.status(api).path("notReadyReason").asText();
            assertTrue(reason.contains("401"), reason);
            assertEquals(List.of(lab.host("w1").addr()), lab.resolve(w1.fqdn(), "A"), "the old record still resolves");
            Files.writeString(key, Files.readString(lab.pdnsKeyFile()));
            Swarms.await("ready again with the right key", Duration.ofSeconds(60),
                    () -> EngineFaultsIT.get(api + "/health/ready") == 200);
        } finally {
            assertEquals(0, run.terminate(10), run.log());
        }
    }

    private static String nodeOfOrEmpty(String host) {
        try {
            return nodeOf(host);
        } catch (RuntimeException engineRestarting) {
            return "";
        }
    }
}
