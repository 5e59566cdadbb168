package io.berth.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import io.berth.agent.swarm.DockerConnection;
import io.berth.lab.IntegrationTest;
import io.berth.lab.Lab;
import io.berth.lab.LabEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Boot when things go wrong or race: concurrent boots, a dead join address, dry runs, PowerDNS down, a name clash. */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BootFaultsIT {

    @Lab(workers = 4)
    static LabEnv lab;

    @TempDir
    static Path dir;

    @AutoClose
    static DockerConnection managerConnection;
    static DockerClient manager;

    @BeforeAll
    static void connect() {
        managerConnection = Swarms.connect(lab.managerApi());
        manager = managerConnection.client();
    }

    @Test
    @Order(1)
    void twoAgentsBootingAtOnceGetOneRecordEachAndADeadJoinAddressIsSkipped() {
        AgentOnHost w1 = new AgentOnHost(lab, "w1", dir);
        String dead = lab.subnet().replace(".0/24", ".250") + ":2377";
        w1.replaceLine("joinAddrs:", "joinAddrs: [" + dead + ", " + lab.joinAddr() + "]");
        AgentOnHost w2 = new AgentOnHost(lab, "w2", dir);

        CompletableFuture<AgentOnHost.Result> first = CompletableFuture.supplyAsync(() -> w1.run("boot"));
        CompletableFuture<AgentOnHost.Result> second = CompletableFuture.supplyAsync(() -> w2.run("boot"));
        AgentOnHost.Result r1 = first.join();
        AgentOnHost.Result r2 = second.join();
        assertEquals(0, r1.exit(), r1.output());
        assertEquals(0, r2.exit(), r2.output());
        assertTrue(r1.says("joined through " + lab.joinAddr()), r1.output());

        assertEquals(List.of(lab.host("w1").addr()), lab.resolve(w1.fqdn(), "A"));
        assertEquals(List.of(lab.host("w2").addr()), lab.resolve(w2.fqdn(), "A"));
    }

    @Test
    @Order(2)
    void dryRunsChangeNothing() throws Exception {
        AgentOnHost w3 = new AgentOnHost(lab, "w3", dir);
        AgentOnHost.Result boot = w3.run("boot", "--dry-run");
        assertEquals(0, boot.exit(), boot.output());
        assertTrue(boot.says("would join"), boot.output());
        assertEquals(List.of(), lab.resolve(w3.fqdn(), "A"), "no record was written");
        assertEquals(LocalNodeState.INACTIVE, engineState("w3"), "w3 did not join");
        assertFalse(Files.exists(w3.stateDir.resolve("state.json")), "no state was written");

        AgentOnHost w1 = new AgentOnHost(lab, "w1", dir);
        String nodeId = Swarms.nodeIdOf(lab, "w1");
        AgentOnHost.Result shutdown = w1.run("shutdown", "--dry-run");
        assertEquals(0, shutdown.exit(), shutdown.output());
        assertTrue(shutdown.says("would drain"), shutdown.output());
        assertEquals(SwarmNodeAvailability.ACTIVE,
                Swarms.node(manager, nodeId).orElseThrow().getSpec().getAvailability());
        assertEquals(LocalNodeState.ACTIVE, engineState("w1"));
        assertEquals(List.of(lab.host("w1").addr()), lab.resolve(w1.fqdn(), "A"));
    }

    @Test
    @Order(3)
    void powerDnsDownDuringBootJoinsHeldAndExitsOneThenABootLaterFinishes() {
        AgentOnHost w3 = new AgentOnHost(lab, "w3", dir);
        lab.stop("dns");
        AgentOnHost.Result boot;
        try {
            boot = w3.run("boot");
        } finally {
            lab.start("dns");
        }
        assertEquals(1, boot.exit(), boot.output());
        assertTrue(boot.says("record") && boot.says("PowerDNS"), boot.output());
        assertTrue(boot.says("activate (skipped"), boot.output());
        String nodeId = Swarms.nodeIdOf(lab, "w3");
        assertEquals(SwarmNodeAvailability.DRAIN,
                Swarms.node(manager, nodeId).orElseThrow().getSpec().getAvailability(), "joined, held");

        AgentOnHost.Result again = w3.run("boot");
        assertEquals(0, again.exit(), again.output());
        assertEquals(List.of(lab.host("w3").addr()), lab.resolve(w3.fqdn(), "A"));
        assertEquals(SwarmNodeAvailability.ACTIVE,
                Swarms.node(manager, nodeId).orElseThrow().getSpec().getAvailability());
    }

    @Test
    @Order(4)
    void aSecondHostClaimingTheSameNameGetsAConflictAndTouchesNothing() {
        AgentOnHost w4 = new AgentOnHost(lab, "w4", dir);
        w4.withExtra("host: {name: w1}\n");
        AgentOnHost.Result boot = w4.run("boot");
        assertEquals(1, boot.exit(), boot.output());
        assertTrue(boot.says("w1." + lab.zone()) && boot.says("belongs to another berth agent"), boot.output());
        String w1 = lab.host("w1").addr();
        assertEquals(List.of(w1), lab.resolve("w1." + lab.zone(), "A"), "w1's record is untouched");
        assertEquals(List.of("w1." + lab.zone()), lab.resolve(BootShutdownIT.reverseName(w1), "PTR"));
        assertEquals(List.of(), lab.resolve(BootShutdownIT.reverseName(lab.host("w4").addr()), "PTR"));
    }

    private static LocalNodeState engineState(String host) {
        try (DockerConnection engine = Swarms.connect(lab.host(host).sock())) {
            return engine.client().infoCmd().exec().getSwarm().getLocalNodeState();
        }
    }
}
