package io.berth.agent.lifecycle;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.ServiceGlobalModeOptions;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.TaskState;
import io.berth.agent.swarm.DockerConnection;
import io.berth.lab.LabEnv;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** What the integration tests ask the lab's Swarm directly (docker-java, not the agent's steps). */
final class Swarms {

    private Swarms() {
    }

    static DockerConnection connect(String endpoint) {
        return DockerConnection.open(URI.create(endpoint), Optional.empty(), Duration.ofSeconds(20));
    }

    static String nodeIdOf(LabEnv lab, String host) {
        try (DockerConnection engine = connect(lab.host(host).sock())) {
            return engine.client().infoCmd().exec().getSwarm().getNodeID();
        }
    }

    static Optional<SwarmNode> node(DockerClient manager, String id) {
        return manager.listSwarmNodesCmd().withIdFilter(List.of(id)).exec().stream()
                .filter(n -> n.getId().equals(id)).findFirst();
    }

    /** A service of the lab's image running {@code sleep}, stopping fast (busybox sleep ignores SIGTERM). */
    static void createService(DockerClient manager, String image, String name, Integer replicas) {
        create(manager, image, name, replicas, List.of(), Duration.ofSeconds(1));
    }

    /**
     * {@code replicas} of {@code sleep} that may run only on the blue pool (the agents label their nodes so), each
     * task taking {@code stopGrace} to stop (busybox sleep ignores SIGTERM): that long a drain's wait lasts at least.
     */
    static void createBlueService(DockerClient manager, String image, String name, int replicas, Duration stopGrace) {
        create(manager, image, name, replicas, List.of("node.labels.berth.pool==blue"), stopGrace);
    }

    private static void create(DockerClient manager, String image, String name, Integer replicas,
                               List<String> constraints, Duration stopGrace) {
        ServiceModeConfig mode = replicas == null
                ? new ServiceModeConfig().withGlobal(new ServiceGlobalModeOptions())
                : new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(replicas));
        manager.createServiceCmd(new ServiceSpec()
                        .withName(name)
                        .withMode(mode)
                        .withTaskTemplate(new TaskSpec()
                                .withPlacement(new ServicePlacement().withConstraints(constraints))
                                .withContainerSpec(new ContainerSpec()
                                        .withImage(image)
                                        .withCommand(List.of("sleep", "86400"))
                                        .withStopGracePeriod(stopGrace.toNanos()))))
                .exec();
    }

    static List<Task> running(DockerClient manager, String service) {
        return manager.listTasksCmd().withServiceFilter(service).exec().stream()
                .filter(t -> t.getDesiredState() == TaskState.RUNNING && t.getStatus() != null
                        && t.getStatus().getState() == TaskState.RUNNING)
                .toList();
    }

    static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        io.berth.lab.Await.until(what, within, Duration.ofMillis(200), condition);
    }
}
