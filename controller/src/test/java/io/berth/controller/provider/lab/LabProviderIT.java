package io.berth.controller.provider.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.controller.provider.ProviderException;
import io.berth.controller.provider.ProviderException.Kind;
import io.berth.controller.provider.Vm;
import io.berth.controller.provider.VmLayout;
import io.berth.controller.provider.VmSpec;
import io.berth.lab.IntegrationTest;
import io.berth.lab.Lab;
import io.berth.lab.LabEnv;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** LabProvider on a real lab: VMs are lab hosts whose berth-agent boots, joins, shuts down; nothing is left behind. */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabProviderIT {

    @Lab(workers = 0)
    static LabEnv lab;

    static final Path AGENT = Path.of(System.getProperty("berth.agent.launcher", "../agent/target/berth-agent"));
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static LabProvider provider;

    @BeforeAll
    static void open() {
        provider = LabProvider.open(lab.name(), AGENT, LabEnv.script(), 4);
    }

    @AfterAll
    static void close() {
        if (provider != null) {
            provider.close();
        }
    }

    @Test
    @Order(1)
    void aVmIsCreatedPoweredOnShutDownAndDestroyed() throws Exception {
        String id = UUID.randomUUID().toString();
        VmSpec spec = spec("blue1", "blue", id);
        VmLayout layout = provider.layout("blue1");

        long t0 = System.nanoTime();
        Vm vm = get(provider.create(spec));
        long created = System.nanoTime();
        assertEquals(new Vm(id, "blue1", "blue", Vm.State.OFF, vm.address()), vm);
        String address = vm.address().orElseThrow();
        assertEquals("rw-------", mode(layout.root().resolve("etc/berth/join-token")));
        assertEquals("rw-r--r--", mode(spec.agentConfig()));
        assertEquals(List.of(vm), get(provider.list(Optional.of("blue"))));
        assertEquals(List.of(), get(provider.list(Optional.of("green"))));
        assertEquals(vm, get(provider.create(spec)), "a second create of a created VM changes nothing");

        Vm on = get(provider.powerOn(vm));
        long poweredOn = System.nanoTime();
        assertEquals(Vm.State.ON, on.state());
        String fqdn = "blue1." + lab.zone();
        await("blue1's node Ready and Active with its labels, its A record resolving", Duration.ofSeconds(60),
                () -> nodes(id).stream().anyMatch(n -> "ready".equals(n.at("/Status/State").asText())
                        && "active".equals(n.at("/Spec/Availability").asText()))
                        && lab.resolve(fqdn, "A").equals(List.of(address)));
        long joined = System.nanoTime();
        JsonNode labels = nodes(id).getFirst().at("/Spec/Labels");
        assertEquals("blue", labels.path("berth.pool").asText());
        assertEquals(id, labels.path("berth.identity").asText(), "the VM's id is the agent's identity");
        assertEquals(List.of(new Vm(id, "blue1", "blue", Vm.State.ON, Optional.of(address))),
                get(provider.list(Optional.empty())));
        assertEquals(address, get(provider.awaitAddress(on, Duration.ofSeconds(5))));
        assertEquals(on, get(provider.powerOn(on)), "powering on a VM that is on changes nothing");
        assertEquals(1, agentProcesses(spec.agentConfig()).size(), "one agent");
        assertDetached(layout.root().resolveSibling("run.pid"));

        long shutdownStart = System.nanoTime();
        Vm off = get(provider.guestShutdown(on, Duration.ofSeconds(60)));
        long shutDown = System.nanoTime();
        assertEquals(Vm.State.OFF, off.state());
        assertEquals(List.of(), nodes(id), "its agent removed its node");
        assertEquals(List.of(), lab.resolve(fqdn, "A"), "and deregistered");
        assertEquals(List.of(off), get(provider.list(Optional.of("blue"))));
        assertEquals(List.of(), agentProcesses(spec.agentConfig()));
        assertTrue(hostLine("blue1").contains(" stopped"), "its engine is stopped: " + hostLine("blue1"));
        assertTrue(Files.readString(layout.root().resolveSibling("agent.log")).contains("shutdown done"));

        long destroyStart = System.nanoTime();
        get(provider.destroy(off));
        long destroyed = System.nanoTime();
        assertGone("blue1", spec);
        get(provider.destroy(off));   // gone already: done

        System.out.printf("[timing] create %d ms, power on %d ms, power on -> node joined and record resolving %d ms,"
                        + " guest shutdown %d ms, destroy %d ms%n", ms(created - t0), ms(poweredOn - created),
                ms(joined - created), ms(shutDown - shutdownStart), ms(destroyed - destroyStart));
    }

    @Test
    @Order(2)
    void anInterruptedCreateIsListedAsCreatingAndFinishedOrDestroyed() throws Exception {
        String id = UUID.randomUUID().toString();
        VmSpec spec = spec("blue2", "blue", id);
        // What a create killed right after writing its record leaves: the record, no host.
        interruptedCreate(spec);
        Vm creating = new Vm(id, "blue2", "blue", Vm.State.CREATING, Optional.empty());
        assertEquals(Optional.of(creating), listed("blue2"));
        assertEquals(Kind.CONFLICT, failure(provider.powerOn(creating)).kind());
        get(provider.destroy(creating));
        assertGone("blue2", spec);

        // Killed after `lab add-host`: the record, and a host with no files in it.
        interruptedCreate(spec);
        lab.addHost("blue2");
        Vm listed = listed("blue2").orElseThrow();
        assertEquals(Vm.State.CREATING, listed.state());
        assertTrue(listed.address().isPresent(), "the host has an address");
        Vm vm = get(provider.create(spec));
        assertEquals(Vm.State.OFF, vm.state());
        assertTrue(Files.isRegularFile(spec.agentConfig()), "its files are in place");
        assertEquals(Kind.CONFLICT, failure(provider.create(spec("blue2", "blue", UUID.randomUUID().toString()))).kind(),
                "another VM of that name");
        get(provider.destroy(vm));
        assertGone("blue2", spec);

        // Two at once (the provider runs up to 4 tasks): each its own host and address.
        VmSpec six = spec("blue6", "green", UUID.randomUUID().toString());
        VmSpec seven = spec("blue7", "green", UUID.randomUUID().toString());
        CompletableFuture<Vm> a = provider.create(six);
        CompletableFuture<Vm> b = provider.create(seven);
        List<Vm> both = List.of(get(a), get(b));
        assertEquals(both, get(provider.list(Optional.of("green"))));
        assertFalse(both.get(0).address().equals(both.get(1).address()));
        CompletableFuture.allOf(provider.destroy(both.get(0)), provider.destroy(both.get(1))).get(3, TimeUnit.MINUTES);
        assertGone("blue6", six);
        assertGone("blue7", seven);
    }

    @Test
    @Order(3)
    void aFailedGuestShutdownStillStopsTheAgentAndTheEngineAndPowerOffKills() throws Exception {
        String id = UUID.randomUUID().toString();
        VmSpec spec = spec("blue3", "blue", id);
        Vm on = get(provider.powerOn(get(provider.create(spec))));
        await("blue3's node in the Swarm", Duration.ofSeconds(60), () -> !nodes(id).isEmpty());

        // PowerDNS down: the agent drains, leaves and removes its node, and cannot deregister: exit 1.
        lab.stop("dns");
        try {
            ProviderException e = failure(provider.guestShutdown(on, Duration.ofSeconds(20)));
            assertEquals(Kind.FAILED, e.kind());
            assertTrue(e.getMessage().startsWith("blue3: guest shutdown: berth-agent shutdown exited 1: "), e.getMessage());
            assertTrue(e.getMessage().contains("deregister"), e.getMessage());
        } finally {
            lab.start("dns");
        }
        assertEquals(List.of(), agentProcesses(spec.agentConfig()), "run stopped all the same");
        assertTrue(hostLine("blue3").contains(" stopped"), "the engine too: " + hostLine("blue3"));
        assertEquals(Vm.State.OFF, listed("blue3").orElseThrow().state());

        // Hard power off: the agent is SIGKILLed, nothing runs.
        on = get(provider.powerOn(on));
        await("blue3's agent up", Duration.ofSeconds(30), () -> !agentProcesses(spec.agentConfig()).isEmpty());
        Vm off = get(provider.powerOff(on));
        assertEquals(Vm.State.OFF, off.state());
        assertEquals(List.of(), agentProcesses(spec.agentConfig()));
        assertTrue(hostLine("blue3").contains(" stopped"), hostLine("blue3"));
        get(provider.destroy(off));
        assertGone("blue3", spec);
    }

    @Test
    @Order(4)
    void badRequestsFailByKindNamingTheVm() throws Exception {
        ProviderException invalid = assertThrows(ProviderException.class, () -> provider.layout("dns"));
        assertEquals(Kind.INVALID, invalid.kind());
        VmSpec outside = new VmSpec("blue4", "blue", UUID.randomUUID().toString(),
                List.of(new VmSpec.VmFile(Path.of("/tmp/elsewhere"), new byte[0], false)),
                provider.layout("blue4").root().resolve("etc/berth/agent.yml"));
        ProviderException e = failure(provider.create(outside));
        assertEquals(Kind.INVALID, e.kind());
        assertTrue(e.getMessage().startsWith("blue4: file /tmp/elsewhere is not under the VM's root"), e.getMessage());
        Vm nowhere = new Vm(UUID.randomUUID().toString(), "blue5", "blue", Vm.State.OFF, Optional.empty());
        assertEquals("blue5: no such VM", failure(provider.powerOn(nowhere)).getMessage());
        assertEquals(Kind.NOT_FOUND, failure(provider.guestShutdown(nowhere, Duration.ofSeconds(30))).kind());
        get(provider.destroy(nowhere));
        assertEquals(Optional.empty(), listed("blue4"));
        assertEquals(Optional.empty(), listed("blue5"));
    }

    // ------------------------------------------------------------------ helpers

    /** The files a controller would hand over: an agent.yml as bin/demo writes it, the secrets copied in, the identity. */
    static VmSpec spec(String name, String pool, String id) throws IOException {
        Path root = provider.layout(name).root();
        String engine = provider.layout(name).engine().orElseThrow().toString();
        Path config = root.resolve("etc/berth/agent.yml");
        Path key = root.resolve("etc/berth/pdns.key");
        Path token = root.resolve("etc/berth/join-token");
        Path stateDir = root.resolve("var/lib/berth");
        String yaml = """
                dns:
                  api: %s
                  apiKeyFile: %s
                  zone: %s
                  reverseZone: %s
                  nameserver: %s
                swarm:
                  engine: %s
                  joinAddrs: [%s]
                  joinTokenFile: %s
                  managerApi: [%s]
                  insecure: true
                  labels: {berth.pool: %s}
                  drainTimeout: 60s
                stateDir: %s
                """.formatted(lab.pdnsApi(), key, lab.zone(), lab.reverseZone(), lab.nameserver(), engine,
                lab.joinAddr(), token, lab.managerApi(), pool, stateDir);
        return new VmSpec(name, pool, id, List.of(
                new VmSpec.VmFile(config, yaml.getBytes(StandardCharsets.UTF_8), false),
                new VmSpec.VmFile(key, Files.readAllBytes(lab.pdnsKeyFile()), true),
                new VmSpec.VmFile(token, Files.readAllBytes(lab.joinTokenFile()), true),
                new VmSpec.VmFile(stateDir.resolve("identity"), (id + "\n").getBytes(StandardCharsets.UTF_8), false)),
                config);
    }

    /** Writes vm.json as a create does before anything else, and stops there. */
    static void interruptedCreate(VmSpec spec) throws IOException {
        new VmRecord(spec.id(), spec.name(), spec.pool(), VmRecord.Status.CREATING, spec.agentConfig())
                .write(provider.layout(spec.name()).root().getParent());
    }

    static Optional<Vm> listed(String name) throws Exception {
        return get(provider.list(Optional.empty())).stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /** Nothing of the VM is left: no record, no directory, no lab host, no process naming its config. */
    static void assertGone(String name, VmSpec spec) throws Exception {
        assertEquals(Optional.empty(), listed(name));
        assertFalse(Files.exists(provider.layout(name).root().getParent()), "its directory is gone");
        assertEquals("", hostLine(name), "no lab host " + name);
        assertFalse(labEnvNow().contains("LAB_HOST_" + name.toUpperCase() + "_ADDR="), "not in the lab's env");
        assertEquals(List.of(), agentProcesses(spec.agentConfig()), "no process of it");
    }

    /**
     * The agent outlives berth: a session of its own, stdin from /dev/null, output to agent.log, and an environment
     * holding nothing of ours (no BERTH_*: the agent would refuse to start).
     */
    static void assertDetached(Path pidFile) throws IOException {
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals(Long.toString(pid), fields[3], "its own session: " + stat);
        assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/0")));
        assertEquals(pidFile.resolveSibling("agent.log"), Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/1")));
        List<String> keys = List.of(Files.readString(Path.of("/proc/" + pid + "/environ")).split("\0")).stream()
                .map(kv -> kv.substring(0, Math.max(0, kv.indexOf('=')))).sorted().toList();
        // What we give it, the lab's DOCKER_HOST, and what the shells on the way (lab, the launcher: its one malloc
        // arena too) set themselves.
        assertTrue(List.of("DOCKER_HOST", "JAVA_HOME", "LAB_ROOT", "MALLOC_ARENA_MAX", "PATH", "PWD", "SHLVL", "_", "OLDPWD").containsAll(keys),
                keys.toString());
    }

    /** The Swarm nodes the manager lists with this identity label. */
    static List<JsonNode> nodes(String identity) {
        String filter = URLEncoder.encode("{\"node.label\":[\"berth.identity=" + identity + "\"]}", StandardCharsets.UTF_8);
        URI uri = URI.create(lab.managerApi().replace("tcp://", "http://") + "/v1.41/nodes?filters=" + filter);
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            List<JsonNode> nodes = new ArrayList<>();
            JSON.readTree(response.body()).forEach(nodes::add);
            return nodes;
        } catch (IOException e) {
            throw new AssertionError("GET " + uri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Pids of processes whose command line names the config (pgrep -f), bounded. */
    static List<String> agentProcesses(Path config) {
        return run(List.of("pgrep", "-f", "--", config.toString())).lines().filter(l -> !l.isBlank()).toList();
    }

    /** The host's line in {@code lab status}, empty if the lab has no such host. */
    static String hostLine(String host) {
        return lab.status().lines().filter(l -> l.startsWith(host + " ")).findFirst().orElse("");
    }

    static String labEnvNow() {
        return run(List.of(LabEnv.script().toString(), "env", "--lab", lab.name()));
    }

    static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + ": no end within 15 s");
            }
            return out.join();
        } catch (IOException e) {
            throw new AssertionError(command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    static <T> T get(CompletableFuture<T> task) throws Exception {
        try {
            return task.get(3, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e.getCause().getMessage(), e.getCause());
        }
    }

    static ProviderException failure(CompletableFuture<?> task) {
        CompletionException e = assertThrows(CompletionException.class, () -> task.orTimeout(3, TimeUnit.MINUTES).join());
        if (e.getCause() instanceof ProviderException pe) {
            return pe;
        }
        throw new AssertionError("not a ProviderException: " + e.getCause(), e.getCause());
    }

    static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        io.berth.lab.Await.until(what, within, Duration.ofMillis(100), condition);
    }

    static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
