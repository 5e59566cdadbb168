package io.berth.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.agent.Main;
import io.berth.agent.lifecycle.Host;
import io.berth.agent.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** berth-agent status needs no secret: a user who may not read the secret files still gets the status. */
class StatusCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream stdout;
    private PrintStream stderr;
    private Path config;

    @BeforeEach
    void setUp() throws Exception {
        stdout = System.out;
        stderr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Log.to(System.err);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // closed again: no agent answers there
        }
        // Root reads a chmod 000 file anyway: what proves no secret is opened is that none could be.
        Path directory = Files.createDirectory(dir.resolve("not-a-file"));
        Path absent = dir.resolve("absent");
        config = Files.writeString(dir.resolve("agent.yml"), """
                dns: {api: "http://127.0.0.1:8081", apiKeyFile: %s, zone: example.com.}
                swarm:
                  joinAddrs: ["127.0.0.1:2377"]
                  joinTokenFile: %s
                  managerApi: ["tcp://127.0.0.1:2376"]
                  tls: {ca: %s, cert: %s, key: %s}
                api: {listen: "127.0.0.1:%d", tokenFile: %s}
                stateDir: %s
                """.formatted(absent, directory, absent.resolve("ca.pem"), absent.resolve("cert.pem"),
                directory, port, absent.resolve("api-token"), dir.resolve("state")));
    }

    @AfterEach
    void restore() {
        System.setOut(stdout);
        System.setErr(stderr);
        Log.to(System.err);
    }

    @Test
    void withUnreadableSecretsItStillSaysThatNoAgentRuns() {
        assertEquals(1, Main.execute("status", "--config", config.toString()), err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no agent runs here"), err::toString);
        assertEquals(2, Main.execute("boot", "--config", config.toString(), "--dry-run"),
                "the other commands do need them");
    }

    @Test
    void withUnreadableSecretsItShowsTheLastStatusWritten() {
        new StatusBoard(dir.resolve("state"), new Host("id-1", "w1", "w1.example.com.", "10.0.0.5", "boot-1"))
                .phase("not-ready");
        assertEquals(1, Main.execute("status", "--config", config.toString()), err.toString(StandardCharsets.UTF_8));
        String shown = out.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains("not-ready (last known: no agent answers now)"), shown);
        assertTrue(shown.contains("w1.example.com. 10.0.0.5 identity id-1"), shown);
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("apiKeyFile"), err::toString);
    }
}
