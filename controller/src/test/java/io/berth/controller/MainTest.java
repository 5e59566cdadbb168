package io.berth.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: one line naming the field or argument, exit 2, and nothing else printed. */
class MainTest {

    @TempDir
    Path dir;

    Path config;

    @BeforeEach
    void files() throws Exception {
        Files.writeString(dir.resolve("pdns.key"), "secret-key\n");
        Files.writeString(dir.resolve("join.token"), "SWMTKN-1-abc123-def456\n");
        config = dir.resolve("berth.yml");
        write("lab: {name: lab1, agent: /bin/true}");
    }

    void write(String provider) throws Exception {
        Files.writeString(config, """
                managers:
                  api: [tcp://10.0.0.2:2375]
                  insecure: true
                dns:
                  api: http://10.0.0.3:8081
                  keyFile: %1$s/pdns.key
                  zone: lab.example.
                agent:
                  dns: {api: http://10.0.0.3:8081, apiKeyFile: %1$s/pdns.key, zone: lab.example.}
                  swarm:
                    joinAddrs: [10.0.0.2:2377]
                    joinTokenFile: %1$s/join.token
                    managerApi: [tcp://10.0.0.2:2375]
                    insecure: true
                pools:
                  blue: {size: 3}
                provider:
                  %2$s
                """.formatted(dir, provider));
    }

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = Main.execute(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    static void assertOneLineUsage(Run run, String... words) {
        assertEquals(2, run.exit(), run.toString());
        String first = run.err().lines().findFirst().orElse("");
        for (String word : words) {
            assertTrue(first.contains(word), "expected '" + word + "' in: " + run.err());
        }
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertFalse(run.err().contains("secret-key") || run.err().contains("SWMTKN"), "no secret: " + run.err());
    }

    @Test
    void aBadFieldInBerthYmlIsNamed() throws Exception {
        Files.writeString(config, Files.readString(config).replace("size: 3", "size: 300"));
        Run run = run("pool", "list", "--config", config.toString());
        assertOneLineUsage(run, "pools.blue.size");
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void aMissingBerthYmlIsNamed() {
        assertOneLineUsage(run("pool", "list", "--config", dir.resolve("nope.yml").toString()), "nope.yml");
    }

    @Test
    void anUndeclaredPoolIsNamed() {
        assertOneLineUsage(run("pool", "create", "green", "--config", config.toString()), "pool green", "blue");
    }

    @Test
    void aVcenterThatCannotBeReachedIsOneLineNamingItAndNoSecret() throws Exception {
        Files.writeString(dir.resolve("vc.pass"), "pw-secret\n");
        // A closed port on loopback: nothing listens there.
        write("vsphere: {url: http://127.0.0.1:9/sdk, user: u, passwordFile: " + dir + "/vc.pass, datacenter: DC}");
        Files.writeString(config, Files.readString(config).replace("blue: {size: 3}",
                "blue: {size: 3, vsphere: {template: worker-tpl}}"));
        Run run = run("pool", "create", "blue", "--wait", "vm", "--config", config.toString());
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.err().lines().anyMatch(l -> l.contains("vSphere") && l.contains("127.0.0.1")), run.err());
        assertFalse(run.err().contains("\tat ") || run.err().contains("pw-secret"), run.err());
    }

    @Test
    void aBadVsphereSettingIsNamed() throws Exception {
        Files.writeString(dir.resolve("vc.pass"), "pw\n");
        write("vsphere: {url: http://127.0.0.1:9/sdk, user: u, passwordFile: " + dir + "/vc.pass, datacenter: DC, "
                + "parallelism: 0}");
        assertOneLineUsage(run("pool", "list", "--config", config.toString()), "provider.vsphere.parallelism");
    }

    @Test
    void unknownOptionsAndBadValuesAreNamed() {
        assertOneLineUsage(run("pool", "create", "blue", "--sise", "3"), "--sise");
        assertOneLineUsage(run("pool", "create", "blue", "--wait", "forever", "--config", config.toString()),
                "--wait");
        assertOneLineUsage(run("pool", "create", "blue", "--size", "0", "--config", config.toString()), "--size");
        assertOneLineUsage(run("pool", "create", "blue", "--timeout", "soon", "--config", config.toString()),
                "--timeout");
    }

    @Test
    void inventoryNeedsExactlyOneOfListAndHost() {
        assertOneLineUsage(run("inventory", "--config", config.toString()), "--list", "--host");
        assertOneLineUsage(run("inventory", "--list", "--host", "blue1", "--config", config.toString()),
                "--list", "--host");
        assertOneLineUsage(run("inventory", "--host"), "--host");
    }

    @Test
    void gcTakesNoArguments() {
        assertOneLineUsage(run("gc", "blue"), "blue");
    }

    @Test
    void initRefusesToOverwrite() {
        assertOneLineUsage(run("init", "--lab", "lab1", "--config", config.toString()), "exists", "--force");
    }
}
