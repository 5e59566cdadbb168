package io.berth.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.lab.IntegrationTest;
import io.berth.lab.Lab;
import io.berth.lab.LabEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The managers' Engine API over mutual TLS, for real: the lab's manager accepts only its CA's client certificates. */
@IntegrationTest
class MutualTlsIT {

    @Lab(workers = 1, tls = true)
    static LabEnv lab;

    @TempDir
    static Path dir;

    @Test
    void bootAndShutdownThroughATlsManager() {
        AgentOnHost w1 = new AgentOnHost(lab, "w1", dir);
        w1.replaceLine("insecure:", "tls: {ca: %s, cert: %s, key: %s}".formatted(lab.tlsCa(), lab.tlsCert(),
                lab.tlsKey()));
        assertTrue(lab.managerApi().endsWith(":2376"), lab.managerApi());

        AgentOnHost.Result boot = w1.run("boot");
        assertEquals(0, boot.exit(), boot.output());
        assertTrue(boot.says("activated node"), boot.output());

        AgentOnHost.Result shutdown = w1.run("shutdown");
        assertEquals(0, shutdown.exit(), shutdown.output());
        assertTrue(shutdown.says("removed node"), shutdown.output());
        assertEquals(List.of(), lab.resolve(w1.fqdn(), "A"));
    }

    @Test
    void aClientCertificateTheLabsCaDidNotSignIsRefusedAndBootSaysSo() throws Exception {
        AgentOnHost w1 = new AgentOnHost(lab, "w1", dir);
        Path key = dir.resolve("rogue.key");
        Path cert = dir.resolve("rogue.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=rogue", "-days", "1")
                .redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertEquals(0, openssl.waitFor());
        w1.replaceLine("insecure:", "tls: {ca: %s, cert: %s, key: %s}".formatted(lab.tlsCa(), cert, key));

        AgentOnHost.Result boot = w1.run("boot");
        assertEquals(1, boot.exit(), boot.output());
        assertTrue(boot.says("labels") && boot.says("did not answer"), boot.output());
    }

    @Test
    void runWithAGarbledClientKeyIsNotReadyNamingTheFilesThenPicksUpTheGoodKeyWithoutARestart() throws Exception {
        AgentOnHost w1 = new AgentOnHost(lab, "w1", dir);
        Path key = dir.resolve("rotated-key.pem");
        String good = Files.readString(lab.tlsKey());
        Files.writeString(key, good.substring(0, good.length() / 2) + "garbled\n");
        w1.replaceLine("insecure:", "tls: {ca: %s, cert: %s, key: %s}".formatted(lab.tlsCa(), lab.tlsCert(), key));
        // A short interval caps the backoff between failed passes.
        w1.append("reconcile: {interval: 10s}\napi: {listen: \"0.0.0.0:9813\"}\n");
        String api = "http://" + lab.host("w1").addr() + ":9813";
        AgentOnHost.Daemon daemon = w1.startDaemon();
        try {
            Swarms.await("not ready, naming the TLS files", Duration.ofSeconds(60),
                    () -> EngineFaultsIT.status(api).path("notReadyReason").asText().contains("cannot load TLS files"));
            String reason = EngineFaultsIT.status(api).path("notReadyReason").asText();
            assertTrue(reason.contains(key.toString()), reason);
            assertFalse(reason.contains("garbled") || reason.contains("PRIVATE KEY"), "never the content: " + reason);
            assertEquals(503, EngineFaultsIT.get(api + "/health/ready"));

            Files.writeString(key, good); // the renewed key: the same path, new content
            Swarms.await("ready with the good key, without a restart", Duration.ofSeconds(60),
                    () -> EngineFaultsIT.get(api + "/health/ready") == 200);
        } finally {
            assertEquals(0, daemon.terminate(10), daemon.log());
        }
        assertFalse(daemon.log().contains("PRIVATE KEY") || daemon.log().contains("\tat "), daemon.log());
        assertEquals(0, w1.run("shutdown").exit(), "w1 leaves for the other tests");
    }
}
