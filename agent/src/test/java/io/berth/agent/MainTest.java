package io.berth.agent;

import io.berth.agent.log.Log;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's promises: exit codes, and one line naming the field for a bad config. */
class MainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    MainTest() {
        Log.to(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        Log.to(System.err);
    }

    @Test
    void aConfigWithABadZoneExitsTwoWithOneLineNamingTheField() throws Exception {
        Path key = Files.writeString(dir.resolve("key"), "secret-api-key");
        Path token = Files.writeString(dir.resolve("token"), "SWMTKN-1-abc123-def456");
        Path config = Files.writeString(dir.resolve("agent.yml"), """
                dns: {api: "http://127.0.0.1:8081", apiKeyFile: %s, zone: "bad..zone."}
                swarm: {joinAddrs: ["127.0.0.1:2377"], joinTokenFile: %s, managerApi: ["unix:///nonexistent.sock"]}
                stateDir: %s
                """.formatted(key, token, dir.resolve("state")));

        assertEquals(2, Main.execute("boot", "--config", config.toString()));
        String out = log.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.contains("dns.zone"), out);
        assertFalse(out.contains("secret-api-key") || out.contains("SWMTKN"), "no secret in the error");
        assertFalse(Files.exists(dir.resolve("state")), "nothing touched");
    }

    @Test
    void aMissingConfigFileExitsTwo() {
        assertEquals(2, Main.execute("shutdown", "--config", dir.resolve("absent.yml").toString()));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("absent.yml"));
    }

    @Test
    void anUnknownOptionExitsTwoAndHelpExitsZero() {
        assertEquals(2, Main.execute("boot", "--no-such-option"));
        assertEquals(0, Main.execute("boot", "--help"));
        assertEquals(0, Main.execute("--version"));
    }

    @Test
    void theAotTrainingIsNoCommand() {
        // The build asks for it with a system property (see AotTraining); on the command line it is unknown.
        assertEquals(2, Main.execute("aot-training"));
        assertEquals(2, Main.execute("measure-passes"));
        assertFalse(AotTraining.requested(), "nothing but the build's training run sets " + AotTraining.PROPERTY);
    }
}
