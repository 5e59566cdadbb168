package io.berth.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.TaskState;
import com.github.dockerjava.core.util.CertificateUtils;
import com.github.dockerjava.core.SSLConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * A TLS lab with running tasks and a crashed engine, or a lab with stalled hosts and a new kernel boot, then
 * {@code down}: nothing of it may remain. Brings its labs up itself (no {@link Lab} field) because tearing down
 * is what it tests.
 */
@IntegrationTest
class LabTeardownIT {

    @Test
    void tlsLabWithCrashedTasksLeavesNothingBehind() throws Exception {
        LabEnv lab = LabEnv.up(1, true);
        String name = lab.name();
        Path dir = Path.of(lab.get("LAB_DIR"));
        String sleepSeconds = Integer.toString(100_000 + ThreadLocalRandom.current().nextInt(800_000));
        try {
            assertTrue(lab.managerApi().endsWith(":2376"), lab.managerApi());
            try (DockerClient manager = Docker.client(lab.managerApi(), mutualTls(lab))) {
                assertTrue(manager.infoCmd().exec().getSwarm().getControlAvailable(), "the manager is a manager");
                runService(manager, lab.image(), sleepSeconds, null);
            }
            try (DockerClient noClientCert = Docker.client(lab.managerApi(), trustOnly(lab))) {
                assertThrows(RuntimeException.class, () -> noClientCert.infoCmd().exec(),
                        "the manager refuses a client without a certificate");
            }
            assertFalse(Processes.mentioning(sleepSeconds).isEmpty(), "tasks run before the crash");
            lab.kill("manager");
        } finally {
            lab.down();
        }

        assertEquals(List.of(), Processes.mentioning(dir.toString()), "processes of the lab");
        assertEquals(List.of(), Processes.mentioning(sleepSeconds), "orphaned task processes");
        assertEquals("", grep(run("ip", "netns", "list"), name + "-"), "namespaces");
        assertEquals("", grep(run("ip", "-o", "link"), name + "-"), "links");
        assertEquals("", grep(Files.readString(Path.of("/proc/mounts")), dir.toString()), "mounts");
        assertFalse(Files.exists(dir), dir + " is removed");
        assertNoCgroups(name, "manager");
    }

    /**
     * A worker booted anew (its engine and tasks in a mount namespace of their own) runs tasks; then a manager, the
     * worker and dns are stalled (SIGSTOP), and {@code down} must still leave nothing: no process, no mount (in
     * this namespace: the host's own went with its last process), no namespace, link, dir or cgroup.
     */
    @Test
    void stalledHostsAndNewBootHostLeaveNothingBehind() throws Exception {
        LabEnv lab = LabEnv.up(1, false, 2);
        String name = lab.name();
        Path dir = Path.of(lab.get("LAB_DIR"));
        String sleepSeconds = Integer.toString(100_000 + ThreadLocalRandom.current().nextInt(800_000));
        String hostMountNs;
        try {
            lab.restart("w1", true);
            assertNotEquals(Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip(), lab.bootId("w1"));
            String enginePid = Files.readString(dir.resolve("w1/run.pid")).strip();
            hostMountNs = Files.readSymbolicLink(Path.of("/proc", enginePid, "ns/mnt")).toString();
            assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString(), hostMountNs,
                    "the new-boot engine runs in a mount namespace of its own");
            try (DockerClient worker = Docker.client(lab.host("w1").sock());
                 DockerClient manager = Docker.client(lab.managerApi())) {
                worker.joinSwarmCmd()
                        .withRemoteAddrs(List.of(lab.joinAddr()))
                        .withJoinToken(Files.readString(lab.joinTokenFile()).strip())
                        .exec();
                runService(manager, lab.image(), sleepSeconds, "node.role==worker");
            }
            assertFalse(Processes.mentioning(sleepSeconds).isEmpty(), "tasks run on w1");
            assertEquals("", grep(Files.readString(Path.of("/proc/mounts")), dir.resolve("w1") + "/"),
                    "w1's mounts (data-root, task file systems) live in its own mount namespace");
            lab.stall("manager2");
            lab.stall("w1");
            lab.stall("dns");
            String status = lab.status();
            for (String host : List.of("manager2", "w1", "dns")) {
                assertTrue(status.lines().anyMatch(l -> l.startsWith(host + " ") && l.contains("stalled")), status);
            }
        } finally {
            lab.down();
        }

        assertEquals(List.of(), Processes.mentioning(dir.toString()), "processes of the lab");
        assertEquals(List.of(), Processes.mentioning(sleepSeconds), "orphaned task processes");
        assertEquals(List.of(), processesIn(hostMountNs), "processes in w1's mount namespace");
        assertEquals("", grep(run("ip", "netns", "list"), name + "-"), "namespaces");
        assertEquals("", grep(run("ip", "-o", "link"), name + "-"), "links");
        String mounts = Files.readString(Path.of("/proc/mounts"));
        assertEquals("", grep(mounts, dir.toString()), "mounts");
        assertEquals("", grep(mounts, "/proc/sys/kernel/random/boot_id"), "boot id mounts");
        assertFalse(Files.exists(dir), dir + " is removed");
        for (String host : List.of("manager", "manager2", "w1")) {
            assertNoCgroups(name, host);
        }
    }

    private static void assertNoCgroups(String lab, String host) throws IOException {
        try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            List<Path> left = controllers
                    .map(c -> c.resolve("berth-lab-" + lab + "-" + host))
                    .filter(Files::exists)
                    .toList();
            assertEquals(List.of(), left, "cgroups");
        }
    }

    /** Live processes whose mount namespace is {@code ns} (as {@code mnt:[inode]}). */
    private static List<String> processesIn(String ns) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (Files.readSymbolicLink(proc.resolve("ns/mnt")).toString().equals(ns)) {
                        found.add(proc.getFileName().toString());
                    }
                } catch (IOException gone) {
                    // The process ended while we looked.
                }
            }
        }
        return found;
    }

    private static void runService(DockerClient manager, String image, String sleepSeconds, String constraint)
            throws Exception {
        TaskSpec task = new TaskSpec().withContainerSpec(new ContainerSpec()
                .withImage(image)
                .withCommand(List.of("sleep", sleepSeconds))
                .withStopGracePeriod(1_000_000_000L));
        if (constraint != null) {
            task.withPlacement(new ServicePlacement().withConstraints(List.of(constraint)));
        }
        manager.createServiceCmd(new ServiceSpec()
                        .withName("teardown-probe")
                        .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions()
                                .withReplicas(2)))
                        .withTaskTemplate(task))
                .exec();
        for (Instant end = Instant.now().plusSeconds(60); ; Thread.sleep(250)) {
            long running = manager.listTasksCmd().withServiceFilter("teardown-probe").exec().stream()
                    .filter(t -> t.getStatus().getState() == TaskState.RUNNING).count();
            if (running == 2) {
                return;
            }
            assertTrue(Instant.now().isBefore(end), "2 tasks running within 60 s, got " + running);
        }
    }

    private static SSLConfig mutualTls(LabEnv lab) {
        return () -> {
            try {
                // docker-java's PEM reader asks for the BouncyCastle provider by name.
                if (java.security.Security.getProvider("BC") == null) {
                    java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
                }
                KeyStore keys = CertificateUtils.createKeyStore(
                        Files.readString(lab.tlsKey()), Files.readString(lab.tlsCert()));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, "docker".toCharArray());
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(kmf.getKeyManagers(), trustManagers(lab), null);
                return context;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static SSLConfig trustOnly(LabEnv lab) {
        return () -> {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trustManagers(lab), null);
                return context;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static javax.net.ssl.TrustManager[] trustManagers(LabEnv lab) throws Exception {
        KeyStore trust = CertificateUtils.createTrustStore(Files.readString(lab.tlsCa()));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf.getTrustManagers();
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    private static String grep(String text, String needle) {
        return text.lines().filter(l -> l.contains(needle)).reduce("", (a, b) -> a + b + "\n");
    }
}
