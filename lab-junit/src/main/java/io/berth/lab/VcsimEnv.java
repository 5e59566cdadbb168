package io.berth.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A running vCenter simulator (govmomi's vcsim, built from {@code lab/vcsim/main.go}), driven through the
 * {@code lab/vcsim/vcsim} script: its SDK URL and one login (the script's {@code VCSIM_*} env), the inventory its
 * VPX model yields, and stalls of single SOAP methods. Plain http on 127.0.0.1; the password is only ever in a file.
 *
 * <p>Where the simulator (govmomi 0.24) is not vCenter: CloneVM_Task ignores {@code spec.powerOn} (clones are
 * powered off) and {@code location.host} (a clone stays on its source's host), needs {@code location.pool} only
 * when the source is marked as a template, copies none of the source's extraConfig (the spec's is applied), and
 * accepts a name already taken in the folder. {@code guest.ipAddress} stays empty after power-on unless the VM's
 * extraConfig sets {@code SET.guest.ipAddress}. An extraConfig {@code RUN.container} would make it run docker.
 */
public final class VcsimEnv {

    /** A cold {@code go build} of the simulator takes about 40 s on two cores; later ones are instant. */
    private static final long BUILD_TIMEOUT_SECONDS = 300;
    /** {@code up} waits at most 30 s for /sdk, {@code down} at most 15 s for the process to go. */
    private static final long COMMAND_TIMEOUT_SECONDS = 60;
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

    private static boolean built;

    private final Path script;
    private final Path dir;
    private volatile Map<String, String> env = Map.of();
    private final Thread shutdownHook;
    private boolean down;

    private VcsimEnv(Path script, Path dir) {
        this.script = script;
        this.dir = dir;
        // A test JVM killed by a timeout still stops its simulator; registered before `up`, which it may interrupt.
        this.shutdownHook = new Thread(this::downQuietly, "vcsim-down-" + dir.getFileName());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a fresh simulator, in a new temp dir, whose Login accepts user {@code berth}. */
    public static VcsimEnv up() {
        return up("berth");
    }

    /** Starts a fresh simulator, in a new temp dir, whose Login accepts {@code username} and its random password. */
    public static VcsimEnv up(String username) {
        Path script = script();
        build(script);
        Path dir;
        try {
            dir = Files.createTempDirectory("berth-vcsim-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        VcsimEnv vcsim = new VcsimEnv(script, dir);
        try {
            // Under the lock down() takes: a shutdown hook firing meanwhile waits for up, then stops what it made.
            synchronized (vcsim) {
                vcsim.env = parse(run(script, List.of("up", "--dir", dir.toString(), "--username", username),
                        COMMAND_TIMEOUT_SECONDS));
            }
            return vcsim;
        } catch (RuntimeException e) {
            // A failed up stopped what it started; its dir must still go.
            try {
                vcsim.down();
            } catch (RuntimeException downFailed) {
                e.addSuppressed(downFailed);
            }
            throw e;
        }
    }

    /** Compiles the simulator once per JVM (the script itself rebuilds only when main.go changed). */
    private static synchronized void build(Path script) {
        if (!built) {
            run(script, List.of("build"), BUILD_TIMEOUT_SECONDS);
            built = true;
        }
    }

    /** The script: system property {@code berth.vcsim.script}, else {@code lab/vcsim/vcsim} in this or a parent dir. */
    public static Path script() {
        String configured = System.getProperty("berth.vcsim.script");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("lab/vcsim/vcsim");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("lab/vcsim/vcsim not found: set -Dberth.vcsim.script");
    }

    /** The SOAP endpoint, {@code http://127.0.0.1:PORT/sdk}. */
    public URI url() { return URI.create(get("VCSIM_URL")); }
    /** The one user Login accepts. */
    public String user() { return get("VCSIM_USER"); }
    /** The file (0600) holding the one password Login accepts; read it, never log it. */
    public Path passwordFile() { return Path.of(get("VCSIM_PASSWORD_FILE")); }
    /** The simulator's dir (password, log, pid, datastore); {@link #down} removes it. */
    public Path dir() { return dir; }
    /** The simulator's process id. */
    public long pid() { return Long.parseLong(get("VCSIM_PID")); }
    public Map<String, String> env() { return env; }

    // The inventory simulator.VPX() yields (no distributed switch, see main.go), as its finder names it.

    /** The datacenter's name; its inventory path is {@code /DC0}. */
    public String datacenter() { return "DC0"; }
    /** A powered-on VM in cluster DC0_C0, usable as a clone template (it is not marked as a template). */
    public String template() { return "/DC0/vm/DC0_C0_RP0_VM0"; }
    /** The datacenter's VM folder, where the model's VMs live. */
    public String folder() { return "/DC0/vm"; }
    /** The root resource pool of cluster DC0_C0 (hosts DC0_C0_H0 to H2), the template's own pool. */
    public String resourcePool() { return "/DC0/host/DC0_C0/Resources"; }
    /** The one datastore's name; its inventory path is {@code /DC0/datastore/LocalDS_0}. */
    public String datastore() { return "LocalDS_0"; }
    /** The standard network every host has and the VMs' NICs are on; its path is {@code /DC0/network/VM Network}. */
    public String network() { return "VM Network"; }

    /**
     * Stalls every later call of one SOAP method ({@code CloneVM_Task}, {@code Login}, …) by {@code delay} before
     * the simulator handles it; other methods stay quick. The call still runs after the stall, even if its client
     * gave up: a slow vCenter still does what it was asked.
     */
    public void delay(String method, Duration delay) {
        if (delay.isNegative() || delay.isZero() || delay.toMillis() > 3_600_000) {
            throw new IllegalArgumentException("a delay is 1 ms to 1 h, not " + delay);
        }
        setDelay(method, delay.toMillis());
    }

    /** How many calls of {@code method} are in their stall right now (0 when it has no delay). */
    public int stalled(String method) {
        HttpRequest request = HttpRequest.newBuilder(url().resolve("/berth/delay")).GET().timeout(HTTP_TIMEOUT).build();
        try (HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(HTTP_TIMEOUT).build()) {
            String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            return body.lines().map(l -> l.split(" ")).filter(f -> f.length == 3 && f[0].equals(method))
                    .mapToInt(f -> Integer.parseInt(f[2])).findFirst().orElse(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Ends a method's stall. */
    public void clearDelay(String method) {
        setDelay(method, 0);
    }

    private void setDelay(String method, long ms) {
        URI control = url().resolve("/berth/delay?method=" + URLEncoder.encode(method, StandardCharsets.UTF_8)
                + "&ms=" + ms);
        HttpRequest request = HttpRequest.newBuilder(control)
                .POST(HttpRequest.BodyPublishers.noBody())
                .timeout(HTTP_TIMEOUT)
                .build();
        try (HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(HTTP_TIMEOUT).build()) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 204) {
                throw new IllegalStateException("vcsim delay " + method + " " + ms + " ms: " + response.statusCode()
                        + " " + response.body().strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the simulator (SIGTERM, then SIGKILL) and removes its dir; a second call does nothing. */
    public synchronized void down() {
        if (down) {
            return;
        }
        run(script, List.of("down", "--dir", dir.toString()), COMMAND_TIMEOUT_SECONDS);
        down = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is what called us.
        }
    }

    private void downQuietly() {
        try {
            down();
        } catch (RuntimeException e) {
            System.err.println("vcsim " + dir + ": down failed: " + e.getMessage());
        }
    }

    private String get(String key) {
        String value = env.get(key);
        if (value == null) {
            throw new IllegalStateException("the vcsim env has no " + key);
        }
        return value;
    }

    static Map<String, String> parse(String output) {
        return Script.env(output, "VCSIM_");
    }

    /** Runs the script; its stderr goes to ours, its stdout is returned. */
    private static String run(Path script, List<String> args, long timeoutSeconds) {
        return Script.run("vcsim", script, args, timeoutSeconds);
    }
}
