package io.berth.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeState;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lab is real: a worker joins its Swarm through docker-java, and its PowerDNS serves what its API is told. */
@IntegrationTest
class LabIT {

    @Lab(workers = 1)
    static LabEnv lab;

    @Test
    void workerJoinedWithDockerJavaIsListedReadyByTheManager() throws Exception {
        LabEnv.Host w1 = lab.host("w1");
        try (DockerClient worker = Docker.client(w1.sock());
             DockerClient manager = Docker.client(lab.managerApi())) {
            worker.joinSwarmCmd()
                    .withRemoteAddrs(List.of(lab.joinAddr()))
                    .withJoinToken(Files.readString(lab.joinTokenFile()).strip())
                    .exec();
            String nodeId = worker.infoCmd().exec().getSwarm().getNodeID();

            SwarmNode node = null;
            for (Instant end = Instant.now().plusSeconds(30); Instant.now().isBefore(end); Thread.sleep(200)) {
                node = manager.listSwarmNodesCmd().withIdFilter(List.of(nodeId)).exec().stream()
                        .filter(n -> n.getId().equals(nodeId)).findFirst().orElse(null);
                if (node != null && node.getStatus().getState() == SwarmNodeState.READY) {
                    break;
                }
            }
            assertTrue(node != null, "the manager lists the node " + nodeId);
            assertEquals(SwarmNodeState.READY, node.getStatus().getState());
            assertEquals("w1", node.getDescription().getHostname(), "each lab host has its own hostname");
            assertEquals(w1.addr(), node.getStatus().getAddress());
        }
    }

    @Test
    void recordWrittenThroughTheApiResolvesAndIsGoneAfterDelete() throws Exception {
        String name = "probe." + lab.zone();
        lab.pdnsPatch(lab.zone(), """
                {"rrsets": [{"name": "%s", "type": "A", "ttl": 60, "changetype": "REPLACE",
                  "records": [{"content": "192.0.2.7", "disabled": false}]}]}""".formatted(name));
        assertEquals(List.of("192.0.2.7"), lab.resolve(name, "A"));

        lab.pdnsPatch(lab.zone(), """
                {"rrsets": [{"name": "%s", "type": "A", "changetype": "DELETE"}]}""".formatted(name));
        assertEquals(List.of(), lab.resolve(name, "A"));
    }
}
