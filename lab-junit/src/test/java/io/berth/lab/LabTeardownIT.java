package io.berth.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.ServiceModeConfig;
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
 * A TLS lab with running tasks and a crashed engine, then {@code down}: nothing of it may remain.
 * Brings its lab up itself (no {@link Lab} field) because tearing down is what it tests.
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
                runService(manager, lab.image(), sleepSeconds);
            }
            try (DockerClient noClientCert = Docker.client(lab.managerApi(), trustOnly(lab))) {
                assertThrows(RuntimeException.class, () -> noClientCert.infoCmd().exec(),
                        "the manager refuses a client without a certificate");
            }
            assertFalse(processesMentioning(sleepSeconds).isEmpty(), "tasks run before the crash");
            lab.kill("manager");
        } finally {
            lab.down();
        }

        assertEquals(List.of(), processesMentioning(dir.toString()), "processes of the lab");
        assertEquals(List.of(), processesMentioning(sleepSeconds), "orphaned task processes");
        assertEquals("", grep(run("ip", "netns", "list"), name + "-"), "namespaces");
        assertEquals("", grep(run("ip", "-o", "link"), name + "-"), "links");
        assertEquals("", grep(Files.readString(Path.of("/proc/mounts")), dir.toString()), "mounts");
        assertFalse(Files.exists(dir), dir + " is removed");
        try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            List<Path> left = controllers
                    .map(c -> c.resolve("berth-lab-" + name + "-manager"))
                    .filter(Files::exists)
                    .toList();
            assertEquals(List.of(), left, "cgroups");
        }
    }

    private static void runService(DockerClient manager, String image, String sleepSeconds) throws Exception {
        manager.createServiceCmd(new ServiceSpec()
                        .withName("teardown-probe")
                        .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions()
                                .withReplicas(2)))
                        .withTaskTemplate(new TaskSpec().withContainerSpec(new ContainerSpec()
                                .withImage(image)
                                .withCommand(List.of("sleep", sleepSeconds))
                                .withStopGracePeriod(1_000_000_000L))))
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

    /** Command lines (of live processes) that contain the text. */
    private static List<String> processesMentioning(String text) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    if (cmdline.contains(text) && !cmdline.contains("surefire") && !cmdline.contains("failsafe")) {
                        found.add(proc.getFileName() + ": " + cmdline.strip());
                    }
                } catch (IOException gone) {
                    // The process ended while we looked.
                }
            }
        }
        return found;
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
