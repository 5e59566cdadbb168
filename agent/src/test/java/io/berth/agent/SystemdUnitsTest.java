package io.berth.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd units shipped for non-LinuxKit hosts ({@code agent/systemd/}): {@code systemd-analyze verify}
 * accepts them without a warning, and they keep their promises — {@code run} always restarts, and the drain
 * runs only at a real system shutdown, before docker stops, never on a restart of docker or of the agent.
 */
class SystemdUnitsTest {

    /** Where the units expect the launcher (next to berth-agent.jar and lib/). */
    static final String LAUNCHER = "/opt/berth-agent/berth-agent";
    static final Path UNITS = Path.of("systemd");
    static final String RUN = "berth-agent.service";
    static final String SHUTDOWN = "berth-agent-shutdown.service";
    /** Dependencies that propagate a stop or restart of docker.service to the unit, i.e. would drain. */
    static final List<String> PROPAGATING = List.of("Requires", "Requisite", "BindsTo", "PartOf");

    @TempDir
    Path dir;

    @Test
    void systemdAnalyzeVerifiesBothUnitsWithoutAWarning() throws Exception {
        String analyze = systemdAnalyze();
        // verify checks that each Exec binary exists and is executable; the launcher is not installed here,
        // so verify copies whose launcher path points at a stub, and check that this is the only difference.
        Path stub = Files.writeString(dir.resolve("berth-agent"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<Path> copies = new ArrayList<>();
        for (String unit : List.of(RUN, SHUTDOWN)) {
            String original = read(unit);
            String copy = original.replace(LAUNCHER, stub.toString());
            assertOnlyExecLinesDiffer(unit, original, copy);
            copies.add(Files.writeString(dir.resolve(unit), copy));
        }

        Verify result = verify(analyze, copies);
        assertEquals(0, result.exit, "systemd-analyze verify failed:\n" + result.output);
        List<String> aboutUs = result.output.lines().filter(l -> l.contains("berth-agent")).toList();
        assertTrue(aboutUs.isEmpty(), "systemd-analyze verify warned about our units:\n" + result.output);
    }

    /** The check above can fail: the same verify call flags an unknown key, by exit code and by a line. */
    @Test
    void theVerifyCallCatchesAMistake() throws Exception {
        String analyze = systemdAnalyze();
        Path stub = Files.writeString(dir.resolve("berth-agent"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        String broken = read(RUN).replace(LAUNCHER, stub.toString())
                .replace("\nRestart=always\n", "\nRestart=always\nRestartTypo=always\n");
        Path copy = Files.writeString(dir.resolve(RUN), broken);

        Verify result = verify(analyze, List.of(copy));
        assertNotEquals(0, result.exit, result.output);
        assertTrue(result.output.contains("RestartTypo"), result.output);
    }

    @Test
    void runRestartsAlwaysAndStopsQuickly() throws IOException {
        Unit run = Unit.parse(read(RUN));
        assertEquals(List.of(LAUNCHER + " run"), run.all("Service", "ExecStart"));
        assertEquals("always", run.one("Service", "Restart"));
        assertTrue(seconds(run.one("Service", "RestartSec")).compareTo(Duration.ofSeconds(10)) <= 0, "RestartSec small");
        assertEquals("0", run.one("Unit", "StartLimitIntervalSec"), "no start limit: a crash loop keeps restarting");
        assertTrue(run.words("Unit", "After").containsAll(List.of("docker.service", "network-online.target")));
        assertTrue(run.words("Unit", "Wants").containsAll(List.of("docker.service", "network-online.target")));
        assertEquals("SIGTERM", run.one("Service", "KillSignal"));
        assertEquals(Duration.ofSeconds(10), seconds(run.one("Service", "TimeoutStopSec")));
        assertFalse(run.has("Service", "MemoryDenyWriteExecute"), "the JVM's JIT needs W+X memory");
        assertEquals(List.of("multi-user.target"), run.words("Install", "WantedBy"));
        assertNoPropagatingDependencyOnDocker(run);
        assertTrue(run.one("Unit", "Documentation").contains("#systemd-hosts"));
    }

    @Test
    void shutdownDrainsOnlyAtSystemShutdownBeforeDockerStops() throws IOException {
        Unit shutdown = Unit.parse(read(SHUTDOWN));
        assertEquals("oneshot", shutdown.one("Service", "Type"));
        assertEquals("yes", shutdown.one("Service", "RemainAfterExit"));
        assertEquals(List.of("/bin/true"), shutdown.all("Service", "ExecStart"));
        assertEquals(List.of(LAUNCHER + " shutdown"), shutdown.all("Service", "ExecStop"));
        assertTrue(shutdown.one("Service", "ExecStop").contains("berth-agent shutdown"));
        // Stop order is the reverse of start order: After= docker / the network = stopped before them.
        assertTrue(shutdown.words("Unit", "After").containsAll(List.of("docker.service", "network-online.target")));
        assertTrue(shutdown.words("Unit", "Wants").contains("docker.service"));
        // ... and Before= run = run is stopped first, so it cannot heal what the drain undoes.
        assertTrue(shutdown.words("Unit", "Before").contains(RUN));
        // A restart of docker must not stop this unit (which would run ExecStop, the drain).
        assertNoPropagatingDependencyOnDocker(shutdown);
        Duration timeout = seconds(shutdown.one("Service", "TimeoutStopSec"));
        assertTrue(timeout.compareTo(Duration.ofSeconds(120)) > 0, "above swarm.drainTimeout's default 120 s: " + timeout);
        assertFalse(shutdown.has("Service", "Restart"), "a oneshot that must not restart");
        assertEquals(List.of("multi-user.target"), shutdown.words("Install", "WantedBy"));
        assertTrue(shutdown.one("Unit", "Documentation").contains("#systemd-hosts"));
    }

    private static void assertNoPropagatingDependencyOnDocker(Unit unit) {
        for (String key : PROPAGATING) {
            assertFalse(unit.words("Unit", key).contains("docker.service"),
                    key + "=docker.service would stop or restart this unit with docker");
        }
    }

    private static void assertOnlyExecLinesDiffer(String unit, String original, String copy) {
        List<String> a = original.lines().toList();
        List<String> b = copy.lines().toList();
        assertEquals(a.size(), b.size(), unit);
        int changed = 0;
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equals(b.get(i))) {
                assertTrue(a.get(i).startsWith("Exec"), unit + ": only Exec lines are rewritten, not: " + a.get(i));
                changed++;
            }
        }
        assertTrue(changed > 0, unit + " runs " + LAUNCHER);
    }

    private static String read(String unit) throws IOException {
        Path file = UNITS.resolve(unit);
        assertTrue(Files.isRegularFile(file), "missing " + file.toAbsolutePath());
        return Files.readString(file);
    }

    record Verify(int exit, String output) {}

    private static Verify verify(String analyze, List<Path> units) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(analyze, "verify", "--man=no", "--generators=no",
                // non-zero exit on a warning about the units named (not the host's docker.service etc.); v250+
                "--recursive-errors=no"));
        units.forEach(u -> command.add(u.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SYSTEMD_LOG_COLOR", "0");
        pb.environment().put("SYSTEMD_PAGER", "cat");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("systemd-analyze verify did not finish in 60 s");
        }
        return new Verify(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** systemd-analyze on PATH (or in /usr/bin, /bin), else a failure naming the package. */
    private static String systemdAnalyze() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.concat(Arrays.stream(path.split(File.pathSeparator)), Stream.of("/usr/bin", "/bin"))
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, "systemd-analyze"))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst()
                .orElseGet(() -> fail("systemd-analyze not found: install Debian's `systemd` package "
                        + "(apt-get install -y systemd); it checks agent/systemd/*.service"));
    }

    private static final Pattern SPAN = Pattern.compile("(\\d+)\\s*(ms|s|sec|m|min|h|hr)?");

    /** A systemd time span (180, 180s, 3min, 2min 30s) in whole seconds. */
    static Duration seconds(String span) {
        Matcher m = SPAN.matcher(span.trim());
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            assertTrue(span.trim().substring(end, m.start()).isBlank(), "time span: " + span);
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            total = total.plus(switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s", "sec" -> Duration.ofSeconds(n);
                case "m", "min" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        assertTrue(end > 0 && end == span.trim().length(), "time span: " + span);
        return total;
    }

    /** A unit file as section → key → values (in order; a key may repeat). */
    record Unit(Map<String, Map<String, List<String>>> sections) {

        static Unit parse(String text) {
            Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
            String section = null;
            StringBuilder logical = new StringBuilder();
            for (String raw : text.lines().toList()) {
                String line = raw.strip();
                if (logical.isEmpty() && (line.isEmpty() || line.startsWith("#") || line.startsWith(";"))) {
                    continue;
                }
                if (line.endsWith("\\")) {
                    logical.append(line, 0, line.length() - 1).append(' ');
                    continue;
                }
                line = logical.append(line).toString().strip();
                logical.setLength(0);
                if (line.startsWith("[") && line.endsWith("]")) {
                    section = line.substring(1, line.length() - 1);
                    sections.putIfAbsent(section, new LinkedHashMap<>());
                    continue;
                }
                int eq = line.indexOf('=');
                assertTrue(section != null && eq > 0, "not key=value in a section: " + line);
                sections.get(section).computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
                        .add(line.substring(eq + 1).strip());
            }
            return new Unit(sections);
        }

        List<String> all(String section, String key) {
            return sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
        }

        boolean has(String section, String key) {
            return !all(section, key).isEmpty();
        }

        /** The single value of a key (the last one wins in systemd; here exactly one is expected). */
        String one(String section, String key) {
            List<String> values = all(section, key);
            assertEquals(1, values.size(), "[" + section + "] " + key + "= once: " + values);
            return values.getFirst();
        }

        /** Space-separated values of a list key (After=, Wants=, ...) over all its lines. */
        List<String> words(String section, String key) {
            return all(section, key).stream().flatMap(v -> Arrays.stream(v.split("\\s+"))).filter(w -> !w.isEmpty()).toList();
        }
    }
}
