package io.berth.linuxkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.config.BundleGuestinfo;
import io.berth.lab.Await;
import io.berth.lab.IntegrationTest;
import io.berth.lab.Lab;
import io.berth.lab.LabEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped root filesystem, imported into a lab engine and run as LinuxKit would run it: build.yml's network,
 * UTS namespace, capabilities, read-only root, tmpfs, env and binds (each bind's source a directory of this test,
 * its target unchanged). fetch-config reads the bundle from VMX_GUESTINFO_* variables, `run` boots the host, a
 * service lands on it, and the onshutdown command drains, leaves and deregisters while `run` still runs.
 */
@IntegrationTest
class AgentImageIT {

    private static final String IMAGE = "berth-agent:under-test";
    private static final String RUN = "berth-agent-run";
    private static final String HOST = "w1";
    private static final String PRODUCT_UUID = "4213a1b2-0000-4111-8222-333344445555";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Lab(workers = 1)
    static LabEnv lab;

    @TempDir
    static Path dir;

    @Test
    void theImageFetchesItsConfigBootsTheHostAndItsOnshutdownCommandTakesItOut() throws Exception {
        BuildYml build = BuildYml.read();
        List<String> options = build.dockerRunOptions(sources());
        // These machines have no DMI: sysfs has no /sys/class/dmi to bind over. A VM has one.
        options.add("--tmpfs=/sys/class");
        lab.exec(HOST, "docker", "import", BuildYml.ROOTFS.toAbsolutePath().toString(), IMAGE);

        Path envFile = dir.resolve("guestinfo.env");
        Files.writeString(envFile, guestinfo(), UTF_8);
        docker(options, List.of("--rm", "--env-file=" + envFile), build.command("fetch-config"));
        for (String file : List.of("agent.yml", "secrets/join-token", "secrets/dns-api-key")) {
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve("run-config").resolve(file))), file);
        }
        assertEquals(Files.readString(lab.joinTokenFile()), Files.readString(dir.resolve("run-config/secrets/join-token")));

        docker(options, List.of("--detach", "--name=" + RUN), build.command("run"));
        try {
            String fqdn = HOST + "." + lab.zone();
            String addr = lab.host(HOST).addr();
            await("the record resolves and the node is Ready and Active", Duration.ofSeconds(60),
                    () -> lab.resolve(fqdn, "A").equals(List.of(addr)) && node().equals("Ready Active"));

            JsonNode facts = JSON.readTree(lab.exec(HOST, "curl", "-sf", "-m", "10", "http://127.0.0.1:9813/v1/facts"));
            assertEquals(HOST, facts.path("ansible_hostname").asText(), "the host's name (UTS namespace)");
            assertEquals("Linuxkit", facts.path("ansible_distribution").asText(), "the host's os-release");
            assertEquals(PRODUCT_UUID, facts.path("ansible_product_uuid").asText().toLowerCase(), "the host's DMI");

            lab.exec("manager", "docker", "service", "create", "--detach", "--name=landed", "--replicas=1",
                    "--stop-grace-period=1s", "--constraint=node.labels.berth.pool==blue", lab.image(), "sleep", "3600");
            await("a task of the service runs on the host", Duration.ofSeconds(60),
                    () -> lab.exec("manager", "docker", "service", "ps", "--filter", "desired-state=running",
                            "--format", "{{.Node}} {{.CurrentState}}", "landed").startsWith(HOST + " Running"));

            // Somewhere for the task to go once the host drains (shutdown waits until its tasks run elsewhere).
            lab.exec("manager", "docker", "node", "update", "--label-add", "berth.pool=blue", "manager");
            docker(options, List.of("--rm"), build.command("shutdown")); // fails unless it exits 0
            assertTrue(lab.exec("manager", "docker", "service", "ps", "--filter", "desired-state=running",
                    "--format", "{{.Node}}", "landed").strip().equals("manager"), "the task runs elsewhere");
            assertEquals("", node(), "the node left and was removed");
            assertEquals(List.of(), lab.resolve(fqdn, "A"), "the record is gone");
            Thread.sleep(5_000); // `run` is still alive: it must not heal the host back in
            assertEquals("true", lab.exec(HOST, "docker", "inspect", "--format", "{{.State.Running}}", RUN).strip());
            assertEquals("", node(), "nothing rejoined");
            assertEquals(List.of(), lab.resolve(fqdn, "A"), "nothing re-registered");
        } finally {
            System.out.println(lab.exec(HOST, "docker", "logs", RUN));
            lab.exec(HOST, "docker", "rm", "--force", RUN);
            lab.exec("manager", "docker", "service", "rm", "landed");
        }
    }

    /** A directory (or file) of this test for each of build.yml's bind targets. */
    private static Map<String, Path> sources() throws Exception {
        Map<String, Path> sources = new LinkedHashMap<>();
        // The host engine's socket, hard-linked into the directory bound at /var/run (a bind of the socket file
        // alone would fail while dockerd has not made it yet).
        Path varRun = Files.createDirectories(dir.resolve("var-run"));
        Files.createLink(varRun.resolve("docker.sock"), Path.of(lab.host(HOST).sock().replaceFirst("^unix://", "")));
        sources.put("/var/run", varRun);
        sources.put("/var/lib/berth", Files.createDirectories(dir.resolve("var-lib-berth")));
        sources.put("/run/config/berth", Files.createDirectories(dir.resolve("run-config")));
        sources.put("/etc/resolv.conf", Files.writeString(dir.resolve("resolv.conf"),
                "nameserver " + lab.nameserver().split(":")[0] + "\n"));
        sources.put("/etc/os-release", Files.writeString(dir.resolve("os-release"),
                "NAME=\"LinuxKit\"\nID=linuxkit\nVERSION_ID=1.5\n"));
        sources.put("/etc/machine-id", Files.writeString(dir.resolve("machine-id"), "3f1c0a9e5b7d4e6fa2c8b1d0e9f7a6b5\n"));
        Path dmi = Files.createDirectories(dir.resolve("dmi"));
        Files.writeString(dmi.resolve("product_uuid"), PRODUCT_UUID.toUpperCase() + "\n");
        sources.put("/sys/class/dmi/id", dmi);
        return sources;
    }

    /** The bundle as vcsim hands guestinfo to a container: one VMX_GUESTINFO_* variable per key. */
    private static String guestinfo() throws Exception {
        String agentYml = """
                dns:
                  api: %s
                  apiKeyFile: /unused/dns-api-key
                  serverId: %s
                  zone: %s
                  reverseZone: %s
                  nameserver: %s
                swarm:
                  engine: unix:///var/run/docker.sock
                  joinAddrs: [%s]
                  joinTokenFile: /unused/join-token
                  managerApi: [%s]
                  insecure: true
                  labels: {berth.pool: blue}
                api: {listen: "127.0.0.1:9813"}
                stateDir: /var/lib/berth
                """.formatted(lab.pdnsApi(), lab.pdnsServerId(), lab.zone(), lab.reverseZone(), lab.nameserver(),
                lab.joinAddr(), lab.managerApi());
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(BundleGuestinfo.CONFIG_KEY, agentYml);
        keys.put(BundleGuestinfo.SECRET_PREFIX + "dnsapikey", Files.readString(lab.pdnsKeyFile()));
        keys.put(BundleGuestinfo.SECRET_PREFIX + "jointoken", Files.readString(lab.joinTokenFile()));
        StringBuilder env = new StringBuilder();
        keys.forEach((key, value) -> env
                .append(BundleGuestinfo.variable(key)).append('=')
                .append(Base64.getEncoder().encodeToString(value.getBytes(UTF_8))).append('\n')
                .append(BundleGuestinfo.variable(key + BundleGuestinfo.ENCODING_SUFFIX)).append("=base64\n"));
        return env.toString();
    }

    /** {@code docker run} on the host's engine: options, then more, the image, the command; its output. */
    private static String docker(List<String> options, List<String> more, List<String> command) {
        List<String> args = new ArrayList<>(List.of("docker", "run"));
        args.addAll(options);
        args.addAll(more);
        args.add(IMAGE);
        args.addAll(command);
        return lab.exec(HOST, args.toArray(String[]::new));
    }

    /** The host's node as the manager lists it ("Ready Active"), or "" when there is none. */
    private static String node() {
        return lab.exec("manager", "docker", "node", "ls", "--format", "{{.Hostname}} {{.Status}} {{.Availability}}")
                .lines().filter(l -> l.startsWith(HOST + " ")).map(l -> l.substring(HOST.length() + 1))
                .findFirst().orElse("");
    }

    private static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, within, Duration.ofMillis(250), condition);
    }
}
