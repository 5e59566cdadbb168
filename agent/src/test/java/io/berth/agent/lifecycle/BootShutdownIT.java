package io.berth.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import com.github.dockerjava.api.model.SwarmNodeState;
import com.github.dockerjava.api.model.Task;
import io.berth.agent.swarm.DockerConnection;
import io.berth.lab.IntegrationTest;
import io.berth.lab.Lab;
import io.berth.lab.LabEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** A worker's life on the real lab: boot, rerun, reboot, fresh disk, shutdown with tasks to move. */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BootShutdownIT {

    @Lab(workers = 2)
    static LabEnv lab;

    @TempDir
    static Path dir;

    static AgentOnHost w1;
    static AgentOnHost w2;
    @AutoClose
    static DockerConnection managerConnection;
    static DockerClient manager;
    static String firstNodeId;

    @BeforeAll
    static void agentsAndAGlobalService() {
        w1 = new AgentOnHost(lab, "w1", dir);
        w2 = new AgentOnHost(lab, "w2", dir);
        managerConnection = Swarms.connect(lab.managerApi());
        manager = managerConnection.client();
        // A global service puts a task on every node that is active: one that lands early would show on w1.
        Swarms.createService(manager, lab.image(), "everywhere", null);
    }

    @Test
    @Order(1)
    void bootRegistersJoinsLabelsAndActivatesWithNoTaskBeforeActivation() throws Exception {
        AgentOnHost.Result boot = w1.run("boot");
        assertEquals(0, boot.exit(), boot.output());

        String address = lab.host("w1").addr();
        assertEquals(List.of(address), lab.resolve(w1.fqdn(), "A"));
        assertEquals(List.of(w1.fqdn()), lab.resolve(reverseName(address), "PTR"));

        firstNodeId = Swarms.nodeIdOf(lab, "w1");
        SwarmNode node = Swarms.node(manager, firstNodeId).orElseThrow();
        assertEquals(SwarmNodeState.READY, node.getStatus().getState());
        assertEquals(SwarmNodeAvailability.ACTIVE, node.getSpec().getAvailability());
        assertEquals("blue", node.getSpec().getLabels().get("berth.pool"));
        assertTrue(node.getSpec().getLabels().containsKey("berth.identity"), node.getSpec().getLabels().toString());
        assertTrue(boot.says("held (drain)"), "joined held out of scheduling");

        // The global task came only after the node's last spec change, its activation.
        Swarms.await("a global task runs on w1", Duration.ofSeconds(30),
                () -> Swarms.running(manager, "everywhere").stream().anyMatch(t -> firstNodeId.equals(t.getNodeId())));
        Instant activated = Swarms.node(manager, firstNodeId).orElseThrow().getUpdatedAt().toInstant();
        for (Task task : manager.listTasksCmd().withNodeFilter(firstNodeId).exec()) {
            assertFalse(Instant.parse(task.getCreatedAt()).isBefore(activated),
                    "task " + task.getId() + " created " + task.getCreatedAt() + " before activation " + activated);
        }
    }

    @Test
    @Order(2)
    void secondBootChangesNothing() {
        AgentOnHost.Result again = w1.run("boot");
        assertEquals(0, again.exit(), again.output());
        assertTrue(again.says("nothing to do"), again.output());
        assertEquals(firstNodeId, Swarms.nodeIdOf(lab, "w1"));
    }

    @Test
    @Order(3)
    void rebootOnTheSameDiskKeepsTheNodeId() {
        lab.restart("w1");
        AgentOnHost.Result boot = w1.run("boot");
        assertEquals(0, boot.exit(), boot.output());
        assertEquals(firstNodeId, Swarms.nodeIdOf(lab, "w1"));
        assertEquals(List.of(lab.host("w1").addr()), lab.resolve(w1.fqdn(), "A"));
    }

    @Test
    @Order(4)
    void freshDiskJoinsAsANewNodeAndRemovesItsOldDownNode() throws Exception {
        lab.stop("w1");
        lab.wipe("w1");
        lab.start("w1");
        Swarms.await("the old node is Down", Duration.ofSeconds(60), () -> Swarms.node(manager, firstNodeId)
                .map(n -> n.getStatus().getState() == SwarmNodeState.DOWN).orElse(true));

        AgentOnHost.Result boot = w1.run("boot");
        assertEquals(0, boot.exit(), boot.output());
        String newNodeId = Swarms.nodeIdOf(lab, "w1");
        assertNotEquals(firstNodeId, newNodeId);
        assertTrue(Swarms.node(manager, firstNodeId).isEmpty(), "the old Down node is removed");
        assertEquals(SwarmNodeAvailability.ACTIVE,
                Swarms.node(manager, newNodeId).orElseThrow().getSpec().getAvailability());
    }

    @Test
    @Order(5)
    void shutdownMovesTasksBeforeLeavingThenRemovesNodeAndRecords() throws Exception {
        assertEquals(0, w2.run("boot").exit());
        String nodeId = Swarms.nodeIdOf(lab, "w1");
        Swarms.createService(manager, lab.image(), "web", 6);
        Swarms.await("6 web tasks run", Duration.ofSeconds(60), () -> Swarms.running(manager, "web").size() == 6);
        long onW1 = Swarms.running(manager, "web").stream().filter(t -> nodeId.equals(t.getNodeId())).count();
        assertTrue(onW1 > 0, "some web tasks run on w1");

        AgentOnHost.Result shutdown = w1.run("shutdown");
        assertEquals(0, shutdown.exit(), shutdown.output());
        String log = shutdown.output();
        assertTrue(log.indexOf("wait: ok: " + onW1 + " task(s) run elsewhere") >= 0, log);
        assertTrue(log.indexOf("wait: ok") < log.indexOf("leave: changed"), "tasks moved before the node left");

        List<Task> web = Swarms.running(manager, "web");
        assertEquals(6, web.size());
        assertTrue(web.stream().noneMatch(t -> nodeId.equals(t.getNodeId())), "no web task left on w1");
        assertTrue(Swarms.node(manager, nodeId).isEmpty(), "the node is removed");
        assertEquals(List.of(), lab.resolve(w1.fqdn(), "A"));
        assertEquals(List.of(), lab.resolve(reverseName(lab.host("w1").addr()), "PTR"));
        assertEquals(List.of(lab.host("w2").addr()), lab.resolve(w2.fqdn(), "A"), "w2's record is untouched");
    }

    @Test
    @Order(6)
    void shutdownRerunIsANoOpButABootStartsANewLife() {
        AgentOnHost.Result again = w1.run("shutdown");
        assertEquals(0, again.exit(), again.output());
        assertTrue(again.says("already done"), again.output());

        assertEquals(0, w1.run("boot").exit());
        AgentOnHost.Result shutdown = w1.run("shutdown");
        assertEquals(0, shutdown.exit(), shutdown.output());
        assertFalse(shutdown.says("already done"), "a shutdown after a later boot is not taken for done");
        assertTrue(shutdown.says("leave: changed"), shutdown.output());
    }

    static String reverseName(String ipv4) {
        String[] o = ipv4.split("\\.");
        return o[3] + "." + o[2] + "." + o[1] + "." + o[0] + ".in-addr.arpa.";
    }
}
