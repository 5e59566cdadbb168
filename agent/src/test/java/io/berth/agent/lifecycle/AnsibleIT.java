package io.berth.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import io.berth.agent.swarm.DockerConnection;
import io.berth.lab.IntegrationTest;
import io.berth.lab.Lab;
import io.berth.lab.LabEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real ansible-playbook (Debian's ansible-core), run inside a lab worker's namespaces with a local connection, drives
 * the agent through the berth.swarm collection: join, label, drain, activate, leave; reruns report no change;
 * --check changes nothing; --diff shows before and after; community.docker's names give the same end state.
 */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnsibleIT {

    @Lab(workers = 1)
    static LabEnv lab;

    @TempDir
    static Path dir;

    static AgentOnHost w1;
    @AutoClose
    static DockerConnection managerConnection;
    static DockerClient manager;
    static Path bin;

    private static final Pattern CHANGED = Pattern.compile("localhost\\s+: ok=\\d+\\s+changed=(\\d+)\\s+unreachable=0\\s+failed=(\\d+)");

    @BeforeAll
    static void agentAndAnsible() throws IOException {
        w1 = new AgentOnHost(lab, "w1", dir);
        managerConnection = Swarms.connect(lab.managerApi());
        manager = managerConnection.client();
        bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("berth-agent"), AgentOnHost.LAUNCHER);
    }

    /** Writes a playbook of {@code tasks} for the worker itself, our facts module gathering its facts. */
    static Path playbook(String name, String tasks) throws IOException {
        Path file = dir.resolve(name + ".yml");
        Files.writeString(file, """
                - hosts: localhost
                  connection: local
                  gather_facts: true
                  vars: {ansible_facts_modules: berth.swarm.setup, ansible_python_interpreter: /usr/bin/python3}
                  module_defaults:
                    group/berth.swarm.berth: {config: %s}
                  collections: [berth.swarm]
                  tasks:
                %s""".formatted(w1.config, tasks.indent(4)));
        return file;
    }

    record Play(int exit, String output, int changed) {
    }

    static Play play(Path playbook, String... options) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("ansible-playbook", playbook.toString()));
        command.addAll(java.util.List.of(options));
        ProcessBuilder pb = lab.inHost("w1", command.toArray(String[]::new)).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("PATH", bin + ":/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("ANSIBLE_COLLECTIONS_PATH", Path.of("..").toAbsolutePath().normalize().toString());
        env.put("ANSIBLE_HOME", dir.resolve("ansible").toString());
        env.put("ANSIBLE_LOCAL_TEMP", dir.resolve("ansible/tmp").toString());
        env.put("ANSIBLE_REMOTE_TEMP", dir.resolve("ansible/remote").toString());
        env.put("ANSIBLE_NOCOLOR", "1");
        env.put("ANSIBLE_LOCALHOST_WARNING", "false");
        Process process = pb.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("ansible-playbook did not end");
        }
        String output = new String(out, StandardCharsets.UTF_8);
        System.out.println(output);
        Matcher m = CHANGED.matcher(output);
        assertTrue(m.find(), output);
        assertEquals("0", m.group(2), output);
        return new Play(process.exitValue(), output, Integer.parseInt(m.group(1)));
    }

    static SwarmNode w1Node() {
        return Swarms.node(manager, Swarms.nodeIdOf(lab, "w1")).orElseThrow();
    }

    @Test
    @Order(1)
    void joinsAndLabelsThenASecondRunChangesNothing() throws Exception {
        Path join = playbook("join", """
                - berth.swarm.docker_swarm: {state: join}
                - berth.swarm.docker_node: {labels: {berth.pool: green}}
                """);
        assertEquals(2, play(join).changed());
        assertEquals("green", w1Node().getSpec().getLabels().get("berth.pool"));
        assertEquals(SwarmNodeAvailability.ACTIVE, w1Node().getSpec().getAvailability());
        assertEquals(0, play(join).changed());
    }

    @Test
    @Order(2)
    void checkChangesNothingDiffShowsAndTheDrainIsTheOperators() throws Exception {
        Path drain = playbook("drain", "- berth.swarm.docker_node: {availability: drain}\n");
        assertEquals(1, play(drain, "--check").changed());
        assertEquals(SwarmNodeAvailability.ACTIVE, w1Node().getSpec().getAvailability(), "--check changed nothing");
        Play diff = play(drain, "--diff");
        assertEquals(1, diff.changed());
        assertTrue(diff.output().contains("+++ after") && diff.output().contains("\"drain\""), diff.output());
        assertEquals(SwarmNodeAvailability.DRAIN, w1Node().getSpec().getAvailability());
        assertTrue(Files.readString(w1.stateDir.resolve("state.json")).contains("\"operator\""),
                "the journal names the operator's hold");
        assertEquals(0, play(drain).changed());
    }

    @Test
    @Order(3)
    void activatesThroughTheLifecycleModule() throws Exception {
        Path active = playbook("active", "- berth.swarm.berth_lifecycle: {state: active}\n");
        assertEquals(1, play(active).changed());
        assertEquals(SwarmNodeAvailability.ACTIVE, w1Node().getSpec().getAvailability());
        assertEquals(0, play(active).changed());
    }

    @Test
    @Order(4)
    void communityDockerNamesGiveTheSameEndState() throws Exception {
        Path community = playbook("community", """
                - docker_node:
                    hostname: w1
                    labels: {berth.pool: blue}
                    labels_state: replace
                    availability: active
                - docker_swarm:
                    state: join
                    advertise_addr: %s
                    remote_addrs: ["%s"]
                """.formatted(lab.host("w1").addr(), lab.joinAddr()));
        assertEquals(1, play(community).changed());
        assertEquals(Map.of("berth.pool", "blue"), w1Node().getSpec().getLabels());
        assertEquals(0, play(community).changed());
    }

    @Test
    @Order(5)
    void leavesAndRemovesItsNodeThenASecondRunChangesNothing() throws Exception {
        String nodeId = Swarms.nodeIdOf(lab, "w1");
        Path leave = playbook("leave", "- berth.swarm.docker_swarm: {state: absent}\n");
        assertEquals(1, play(leave).changed());
        assertTrue(Swarms.node(manager, nodeId).isEmpty(), "the node was removed, not left Down");
        assertFalse(nodeId.equals(Swarms.nodeIdOf(lab, "w1")), "the engine is out of the Swarm");
        assertEquals(0, play(leave).changed());
    }
}
