package io.berth.agent.guestinfo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.agent.Main;
import io.berth.agent.log.Log;
import io.berth.config.AgentConfig;
import io.berth.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fetch-config against a stand-in vmware-rpctool (a shell script backed by one file per key) and env variables. */
class FetchConfigCommandTest {

    private static final String TOKEN =
            "SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx";
    private static final String AGENT_YML = """
            dns: {api: "http://pdns:8081", apiKeyFile: /etc/berth/secrets/dns-api-key, zone: swarm.example.com.}
            swarm:
              joinAddrs: [10.0.0.2:2377]
              joinTokenFile: /etc/berth/secrets/join-token
              managerApi: [tcp://10.0.0.2:2376]
              tls: {ca: /etc/berth/tls/ca.pem, cert: /etc/berth/tls/cert.pem, key: /etc/berth/tls/key.pem}
            api: {tokenFile: /etc/berth/secrets/api-token}
            host: {name: blue1}
            """;
    private static final Map<String, String> SECRETS = Map.of(
            "dnsapikey", "hunter2-pdns-key\n", "jointoken", TOKEN + "\n", "apitoken", "hunter2-api-token\n",
            "tlsca", "ca-pem\n", "tlscert", "cert-pem\n", "tlskey", "-----BEGIN KEY-----\nhunter2-tls-key\n");
    private static final Duration BOUND = Duration.ofMillis(500);

    @TempDir
    Path dir;

    private Path root;
    private Path keys;
    private Path bin;
    private final Map<String, String> env = new HashMap<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void standIn() throws IOException {
        root = Files.createDirectory(dir.resolve("root"));
        keys = Files.createDirectory(dir.resolve("keys"));
        bin = Files.createDirectory(dir.resolve("bin"));
        // vmware-rpctool's contract as fetch-config uses it: one argument, "info-get KEY" prints the value or exits
        // 1; "info-set KEY VALUE" sets it. Every call is recorded.
        script("""
                #!/bin/sh
                printf '%s\\n' "$1" >> DIR/calls
                set -- $1
                case "$1" in
                  info-get) [ -f "DIR/keys/$2" ] || { echo "No value found" >&2; exit 1; }; cat "DIR/keys/$2"; echo ;;
                  info-set) [ -f DIR/readonly ] && exit 1; printf '%s' "$3" > "DIR/keys/$2" ;;
                  *) exit 64 ;;
                esac
                """);
        env.put("PATH", bin + ":/nonexistent");
        Log.to(new PrintStream(log, true, UTF_8));
    }

    @AfterEach
    void restore() {
        Log.to(System.err);
    }

    @Test
    void theBundleFromRpctoolIsWrittenRedactedAndKept() throws IOException {
        guestinfo(bundle(true));

        assertEquals(0, fetch());

        Path config = root.resolve("run/config/berth/agent.yml");
        AgentConfig loaded = ConfigLoader.load(Optional.of(config), Map.of()); // checks every secret file it names
        assertEquals(root.resolve("run/config/berth/secrets/join-token"), loaded.swarm().joinTokenFile());
        assertEquals(TOKEN + "\n", Files.readString(loaded.swarm().joinTokenFile()));
        assertEquals(SECRETS.get("tlskey"), Files.readString(loaded.swarm().tls().orElseThrow().key()));
        assertEquals("hunter2-api-token\n", Files.readString(loaded.api().tokenFile().orElseThrow()));
        for (Path file : files(root.resolve("run/config/berth"))) {
            assertEquals(Files.isDirectory(file) ? "rwx------" : "rw-------", mode(file), file.toString());
        }
        assertEquals("rw-------", mode(kept()));
        assertEquals("rwx------", mode(kept().getParent()));

        for (String name : SECRETS.keySet()) {
            assertEquals("---", Files.readString(keys.resolve("guestinfo.berth.secret." + name)), name);
            assertTrue(calls().contains("info-set guestinfo.berth.secret." + name + " ---"), name);
        }
        assertFalse(Files.readString(keys.resolve("guestinfo.berth.config")).contains("---"), "the config stays");
        assertTrue(calls().stream().allMatch(c -> c.startsWith("info-get guestinfo.berth.")
                || c.matches("info-set guestinfo\\.berth\\.secret\\.[a-z]+ ---")), calls().toString());
        assertNoSecretIn(log());
        assertEquals(2, log().lines().count(), log());
    }

    @Test
    void aSecondBootAfterRedactionRestoresFromTheKeptCopy() throws IOException {
        guestinfo(bundle(true));
        assertEquals(0, fetch());
        Map<Path, String> first = contents(root.resolve("run"));
        String keptFirst = Files.readString(kept());
        deleteTree(root.resolve("run")); // /run is a tmpfs: empty at every boot
        Files.delete(dir.resolve("calls"));

        assertEquals(0, fetch());

        assertEquals(first, contents(root.resolve("run")));
        assertEquals(keptFirst, Files.readString(kept()));
        assertTrue(calls().stream().noneMatch(c -> c.startsWith("info-set")), "nothing left to redact");
        assertTrue(log().contains("the kept copy"), log());
    }

    @Test
    void aNewBundleInGuestinfoReplacesTheKeptCopy() throws IOException {
        guestinfo(bundle(true));
        assertEquals(0, fetch());
        String newToken = TOKEN.replace("1awxwuwd", "2bbbbbbb");
        guestinfo(Map.of("guestinfo.berth.secret.jointoken", b64(newToken))); // the others still hold ---

        assertEquals(0, fetch());

        assertEquals(newToken, Files.readString(root.resolve("run/config/berth/secrets/join-token")).strip());
        assertEquals("hunter2-pdns-key", Files.readString(root.resolve("run/config/berth/secrets/dns-api-key")).strip(),
                "a redacted key still comes from the kept copy");
        assertTrue(Files.readString(kept()).contains(b64(newToken)));
        assertEquals("---", Files.readString(keys.resolve("guestinfo.berth.secret.jointoken")));
    }

    @Test
    void withoutRpctoolTheEnvironmentIsReadAndNothingRedacted() throws IOException {
        env.put("PATH", dir.resolve("empty") + ":/nonexistent");
        bundle(true).forEach((key, value) -> env.put("VMX_" + key.replace('.', '_').toUpperCase(java.util.Locale.ROOT), value));

        assertEquals(0, fetch());

        assertEquals(TOKEN, Files.readString(root.resolve("run/config/berth/secrets/join-token")).strip());
        assertFalse(Files.exists(dir.resolve("calls")));
        assertTrue(log().contains("cannot be redacted"), log());
        assertTrue(Files.exists(kept()));
    }

    @Test
    void aKeyRpctoolLacksIsReadFromTheEnvironment() throws IOException {
        Map<String, String> bundle = bundle(false);
        String jointoken = bundle.remove("guestinfo.berth.secret.jointoken");
        guestinfo(bundle);
        env.put("VMX_GUESTINFO_BERTH_SECRET_JOINTOKEN", jointoken);

        assertEquals(0, fetch());

        assertEquals(TOKEN, Files.readString(root.resolve("run/config/berth/secrets/join-token")).strip());
        assertTrue(calls().contains("info-get guestinfo.berth.secret.jointoken"));
        assertFalse(calls().contains("info-set guestinfo.berth.secret.jointoken ---"), "a variable is not redacted");
        assertTrue(calls().contains("info-set guestinfo.berth.secret.dnsapikey ---"));
    }

    @Test
    void aMissingOrMalformedBundleExitsTwoNamingTheKeyAndWritesNothing() throws IOException {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("guestinfo.berth.config: missing", null);
        cases.put("guestinfo.berth.secret.tlskey: missing", "guestinfo.berth.secret.tlskey");
        cases.put("guestinfo.berth.secret.jointoken: not base64", "guestinfo.berth.secret.jointoken=hunter2*");
        cases.put("guestinfo.berth.config.encoding: unknown encoding \"zstd\": base64 or gzip+base64",
                "guestinfo.berth.config.encoding=zstd");
        cases.put("guestinfo.berth.config: not gzip data (its .encoding says gzip+base64)",
                "guestinfo.berth.config=" + b64("dns: {}"));
        cases.put("guestinfo.berth.config: dns.zone: required",
                "guestinfo.berth.config=" + gzipB64(AGENT_YML.replace(" zone: swarm.example.com.", "")));
        cases.put("guestinfo.berth.secret.jointoken: not a Swarm join token (SWMTKN-1-...-...)",
                "guestinfo.berth.secret.jointoken=" + b64("hunter2"));
        for (var c : cases.entrySet()) {
            clear(keys);
            if (c.getValue() != null) {
                Map<String, String> bundle = bundle(true);
                String[] edit = c.getValue().split("=", 2);
                if (edit.length == 1) {
                    bundle.remove(edit[0]);
                } else {
                    bundle.put(edit[0], edit[1]);
                }
                guestinfo(bundle);
            }
            log.reset();

            assertEquals(2, fetch(), c.getKey());

            assertEquals("error " + c.getKey(), log().strip());
            assertNoSecretIn(log());
            assertEquals(List.of(), files(root), "nothing written: " + c.getKey());
            assertFalse(Files.readString(dir.resolve("calls")).contains("info-set"), "nothing redacted");
        }
    }

    @Test
    void aRedactedKeyWithoutAKeptCopyExitsTwo() throws IOException {
        Map<String, String> bundle = bundle(true);
        bundle.put("guestinfo.berth.secret.dnsapikey", "---");
        guestinfo(bundle);

        assertEquals(2, fetch());

        assertTrue(log().startsWith("error guestinfo.berth.secret.dnsapikey: redacted (---) and no kept copy holds it"),
                log());
        assertEquals(List.of(), files(root));
    }

    @Test
    void aStalledRpctoolIsKilledAtItsBound() throws Exception {
        script("""
                #!/bin/sh
                echo $$ > DIR/pid
                exec sleep 30
                """);
        long start = System.nanoTime();

        assertEquals(1, fetch());

        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(BOUND.multipliedBy(4)) < 0, "bounded");
        assertTrue(log().contains("vmware-rpctool \"info-get guestinfo.berth.config\": no answer in 500 ms (killed)"),
                log());
        long pid = Long.parseLong(Files.readString(dir.resolve("pid")).strip());
        Optional<ProcessHandle> stalled = ProcessHandle.of(pid);
        if (stalled.isPresent()) {
            stalled.get().onExit().get(2, java.util.concurrent.TimeUnit.SECONDS); // killed, not left to sleep on
        }
        assertEquals(List.of(), files(root));
    }

    @Test
    void aFailedRedactionExitsOneAndSaysTheBundleIsWritten() throws IOException {
        guestinfo(bundle(true));
        Files.writeString(dir.resolve("readonly"), "");

        assertEquals(1, fetch());

        assertTrue(log().contains("the bundle is written and kept, but guestinfo.berth.secret.dnsapikey is not "
                + "redacted: vmware-rpctool \"info-set guestinfo.berth.secret.dnsapikey\" exited 1"), log());
        assertTrue(Files.exists(root.resolve("run/config/berth/agent.yml")));
        assertNoSecretIn(log());
    }

    @Test
    void helpExitsZero() {
        assertEquals(0, Main.execute("fetch-config", "--help"));
    }

    // ---- helpers ----

    private int fetch() {
        return Main.run(new FetchConfigCommand(env, BOUND), "--root", root.toString());
    }

    /** The guestinfo keys of the bundle: the config gzip+base64, the secrets base64 (or all base64). */
    private static Map<String, String> bundle(boolean gzipConfig) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("guestinfo.berth.config", gzipConfig ? gzipB64(AGENT_YML) : b64(AGENT_YML));
        keys.put("guestinfo.berth.config.encoding", gzipConfig ? "gzip+base64" : "base64");
        SECRETS.forEach((name, value) -> {
            keys.put("guestinfo.berth.secret." + name, b64(value));
            keys.put("guestinfo.berth.secret." + name + ".encoding", "base64");
        });
        return keys;
    }

    private void guestinfo(Map<String, String> values) throws IOException {
        for (var e : values.entrySet()) {
            Files.writeString(keys.resolve(e.getKey()), e.getValue());
        }
    }

    private void script(String text) throws IOException {
        Path tool = bin.resolve("vmware-rpctool");
        Files.writeString(tool, text.replace("DIR", dir.toString()));
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
    }

    private Path kept() {
        return root.resolve("var/lib/berth/bundle/guestinfo");
    }

    private List<String> calls() throws IOException {
        return Files.readAllLines(dir.resolve("calls"));
    }

    private String log() {
        return log.toString(UTF_8);
    }

    private static void assertNoSecretIn(String text) {
        assertFalse(text.contains("hunter2") || text.contains(TOKEN), text);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    /** Every file and directory under {@code top}, {@code top} itself left out. */
    private static List<Path> files(Path top) throws IOException {
        try (Stream<Path> all = Files.walk(top)) {
            return all.filter(p -> !p.equals(top)).sorted().toList();
        }
    }

    private static Map<Path, String> contents(Path top) throws IOException {
        Map<Path, String> contents = new LinkedHashMap<>();
        for (Path p : files(top)) {
            contents.put(p, Files.isDirectory(p) ? "dir " + mode(p) : mode(p) + " " + Files.readString(p));
        }
        return contents;
    }

    private static void clear(Path top) throws IOException {
        for (Path p : files(top).reversed()) {
            Files.delete(p);
        }
    }

    private static void deleteTree(Path top) throws IOException {
        clear(top);
        Files.delete(top);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(UTF_8));
    }

    private static String gzipB64(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(s.getBytes(UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }
}
