package io.berth.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import io.berth.agent.swarm.DockerConnection;
import io.berth.lab.IntegrationTest;
import io.berth.lab.Lab;
import io.berth.lab.LabEnv;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Shutdown when things go wrong: SIGKILL at each step, a manager that does not answer, a manager node. */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShutdownFaultsIT {

    @Lab(workers = 2)
    static LabEnv lab;

    @TempDir
    static Path dir;

    static AgentOnHost w1;
    @AutoClose
    static DockerConnection managerConnection;
    static DockerClient manager;

    @BeforeAll
    static void secondWorker() {
        w1 = new AgentOnHost(lab, "w1", dir);
        managerConnection = Swarms.connect(lab.managerApi());
        manager = managerConnection.client();
        assertEquals(0, new AgentOnHost(lab, "w2", dir).run("boot").exit());
    }

    @ParameterizedTest
    @ValueSource(strings = {"drain", "wait", "leave", "remove", "deregister"})
    @Order(1)
    void killedAfterAStepARerunFinishesTheJob(String step) throws Exception {
        assertEquals(0, w1.run("boot").exit());
        String nodeId = Swarms.nodeIdOf(lab, "w1");
        String service = "killed-after-" + step;
        Swarms.createBlueService(manager, lab.image(), service, 2, Duration.ofSeconds(1));
        Swarms.await("a task of " + service + " on w1", Duration.ofSeconds(60), () -> Swarms.running(manager, service)
                .stream().anyMatch(t -> nodeId.equals(t.getNodeId())));

        Process shutdown = w1.start("shutdown");
        String seen = killWhenLogged(shutdown, " " + step + ": ");
        assertTrue(seen.contains(step + ": "), "saw the step before the kill:\n" + seen);

        AgentOnHost.Result rerun = w1.run("shutdown");
        assertEquals(0, rerun.exit(), rerun.output());
        assertTrue(Swarms.node(manager, nodeId).isEmpty(), "the node is removed");
        assertEquals(List.of(), lab.resolve(w1.fqdn(), "A"));
        Swarms.await("both tasks of " + service + " run on w2", Duration.ofSeconds(30),
                () -> Swarms.running(manager, service).size() == 2);
        assertTrue(Swarms.running(manager, service).stream().noneMatch(t -> nodeId.equals(t.getNodeId())));
        manager.removeServiceCmd(service).exec();
    }

    @Test
    @Order(2)
    void onAManagerNodeItRefusesWithoutForce() {
        AgentOnHost onManager = new AgentOnHost(lab, "manager", lab.managerSock(), dir);
        AgentOnHost.Result refused = onManager.run("shutdown");
        assertEquals(1, refused.exit(), refused.output());
        assertTrue(refused.says("manager"), refused.output());
        String managerId = manager.infoCmd().exec().getSwarm().getNodeID();
        assertEquals(SwarmNodeAvailability.ACTIVE,
                Swarms.node(manager, managerId).orElseThrow().getSpec().getAvailability(), "nothing was drained");
    }

    @Test
    @Order(3)
    void managerUnreachableExitsOneWithinTheDeadlineNamingWhatWasLeft() {
        assertEquals(0, w1.run("boot").exit());
        lab.stop("manager");
        try {
            long start = System.nanoTime();
            AgentOnHost.Result shutdown = w1.run(60, "shutdown", "--deadline", "15s");
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertEquals(1, shutdown.exit(), shutdown.output());
            // 15 s budget, plus JVM start and the last short step: well under 15 + 10.
            assertTrue(seconds < 25, "took " + seconds + " s");
            String last = shutdown.output().lines().filter(l -> l.contains("shutdown incomplete")).findFirst()
                    .orElseThrow(() -> new AssertionError(shutdown.output()));
            assertTrue(last.contains("drain") && last.contains("remove") && last.contains("did not answer"), last);
            assertEquals(List.of(), lab.resolve(w1.fqdn(), "A"), "the record is deregistered all the same");
        } finally {
            lab.start("manager");
        }
    }

    /** Reads the agent's log until a line contains {@code marker}, then SIGKILLs it; returns what it logged. */
    private static String killWhenLogged(Process agent, String marker) throws Exception {
        StringBuilder seen = new StringBuilder();
        AgentOnHost.follow(agent, seen, marker, agent::destroyForcibly);
        assertTrue(agent.waitFor(10, TimeUnit.SECONDS), "the agent died");
        return seen.toString();
    }
}
