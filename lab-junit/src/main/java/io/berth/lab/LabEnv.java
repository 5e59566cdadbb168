package io.berth.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A running lab, driven through the {@code lab/lab} script: its addresses and files (the script's
 * {@code LAB_*} env) and the faults tests need (restart, kill, stop, start, wipe, move a host, stall a
 * host, demote or promote a manager, boot a host anew).
 */
public final class LabEnv {

    private static final long COMMAND_TIMEOUT_SECONDS = 180;

    private final Path script;
    private final String name;
    private volatile Map<String, String> env;
    private final Thread shutdownHook;
    private boolean down;

    private LabEnv(Path script, Map<String, String> env) {
        this.script = script;
        this.env = env;
        this.name = require(env, "LAB_NAME");
        // A test JVM killed by a timeout still tears its lab down.
        this.shutdownHook = new Thread(this::downQuietly, "lab-down-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Brings up a fresh lab with its own name and subnet, and one manager. */
    public static LabEnv up(int workers, boolean tls) {
        return up(workers, tls, 1);
    }

    /** Brings up a fresh lab with its own name and subnet, and {@code managers} (1 to 5) Swarm managers. */
    public static LabEnv up(int workers, boolean tls, int managers) {
        if (managers < 1 || managers > 5) {
            throw new IllegalArgumentException("managers must be 1 to 5, not " + managers);
        }
        Path script = script();
        List<String> args = new ArrayList<>(List.of("up", "--workers", Integer.toString(workers),
                "--managers", Integer.toString(managers)));
        if (tls) {
            args.add("--tls");
        }
        return new LabEnv(script, parse(run(script, args)));
    }

    /** The lab script: system property {@code berth.lab.script}, else {@code lab/lab} in this or a parent directory. */
    public static Path script() {
        String configured = System.getProperty("berth.lab.script");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("lab/lab");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("lab/lab not found: set -Dberth.lab.script");
    }

    public String name() { return name; }
    public String get(String key) { return require(env, key); }
    public Map<String, String> env() { return env; }

    public String zone() { return get("LAB_ZONE"); }
    public String reverseZone() { return get("LAB_REVERSE_ZONE"); }
    public String subnet() { return get("LAB_SUBNET"); }
    public String pdnsApi() { return get("LAB_PDNS_API"); }
    public String pdnsServerId() { return get("LAB_PDNS_SERVER_ID"); }
    public Path pdnsKeyFile() { return Path.of(get("LAB_PDNS_KEY_FILE")); }
    public String nameserver() { return get("LAB_NAMESERVER"); }
    public String managerAddr() { return get("LAB_MANAGER_ADDR"); }
    public String managerApi() { return get("LAB_MANAGER_API"); }
    public String managerSock() { return get("LAB_MANAGER_SOCK"); }
    public String joinAddr() { return get("LAB_JOIN_ADDR"); }
    public Path joinTokenFile() { return Path.of(get("LAB_JOIN_TOKEN_FILE")); }
    public String image() { return get("LAB_IMAGE"); }
    public boolean tls() { return Boolean.parseBoolean(get("LAB_TLS")); }
    public Path tlsCa() { return Path.of(get("LAB_TLS_CA")); }
    public Path tlsCert() { return Path.of(get("LAB_TLS_CERT")); }
    public Path tlsKey() { return Path.of(get("LAB_TLS_KEY")); }

    /** The worker hosts' names, in order. */
    public List<String> workers() {
        return list("LAB_HOSTS");
    }

    /** The manager hosts' names: {@code manager}, then {@code manager2}, … (their lab role, whatever Swarm did since). */
    public List<String> managers() {
        List<String> managers = list("LAB_MANAGERS");
        return managers.isEmpty() ? List.of("manager") : managers;
    }

    /** Every manager's Engine API ({@code tcp://ADDR:2375}, {@code :2376} with TLS), in {@link #managers()} order. */
    public List<String> managersApi() {
        List<String> apis = list("LAB_MANAGERS_API");
        return apis.isEmpty() ? List.of(managerApi()) : apis;
    }

    /** Every manager's Swarm address ({@code ADDR:2377}), in {@link #managers()} order. */
    public List<String> joinAddrs() {
        List<String> addrs = list("LAB_JOIN_ADDRS");
        return addrs.isEmpty() ? List.of(joinAddr()) : addrs;
    }

    private List<String> list(String key) {
        String value = env.getOrDefault(key, "");
        return value.isEmpty() ? List.of() : List.of(value.split(","));
    }

    /** One engine host (a worker or a manager) as the lab describes it now. */
    public Host host(String host) {
        String prefix = "LAB_HOST_" + host.toUpperCase(Locale.ROOT) + "_";
        return new Host(host, get(prefix + "ADDR"), get(prefix + "SOCK"), get(prefix + "NETNS"),
                Path.of(get(prefix + "DATA_ROOT")));
    }

    /** An engine host: its address, its engine's socket ({@code unix://…}), its network namespace and data-root. */
    public record Host(String name, String addr, String sock, String netns, Path dataRoot) {
    }

    public void addHost(String host) { command("add-host", host); }
    public void removeHost(String host) { command("remove-host", host); }
    /** Clean stop of a host's engine (or of {@code dns} / {@code manager}). */
    public void stop(String host) { command("stop", host); }
    public void start(String host) { command("start", host); }
    /** A crash: engine, containerd, shims and tasks are SIGKILLed. */
    public void kill(String host) { command("kill", host); }
    /** A reboot: stop and start on the same data-root (and the same boot id, see {@link #bootId}). */
    public void restart(String host) { command("restart", host); }
    /**
     * A reboot; with {@code newBoot}, as a new kernel boot: the host's processes (its engine, {@link #exec})
     * see a fresh {@code /proc/sys/kernel/random/boot_id} from now on, and its exec-root (its /run) is emptied.
     */
    public void restart(String host, boolean newBoot) {
        if (newBoot) {
            command("restart", host, "--new-boot");
        } else {
            restart(host);
        }
    }
    /** Starts a stopped engine host; with {@code newBoot}, as a new kernel boot ({@link #restart(String, boolean)}). */
    public void start(String host, boolean newBoot) {
        if (newBoot) {
            command("start", host, "--new-boot");
        } else {
            start(host);
        }
    }
    /**
     * Freezes the host's main process (dockerd, or pdns_server for {@code dns}) with SIGSTOP: its sockets still
     * accept connections and nothing answers, a stuck engine. {@link #stop}, {@link #kill}, {@link #restart} and
     * {@link #down} work on a stalled host.
     */
    public void stall(String host) { command("stall", host); }
    /** Thaws a stalled host (SIGCONT) and waits until it answers again. */
    public void unstall(String host) { command("unstall", host); }
    /**
     * {@code docker node demote} of the host's node through another live manager; returns once its engine answers
     * cluster calls with 503 "This node is not a swarm manager…" and holds a worker certificate.
     */
    public void demote(String host) { command("demote", host); }
    /** {@code docker node promote} of the host's node; returns once it is a Reachable manager serving cluster calls. */
    public void promote(String host) { command("promote", host); }

    /** The kernel boot id the host's processes see: its own after a new boot, else this machine's. */
    public String bootId(String host) {
        try {
            Path own = Path.of(get("LAB_DIR"), host, "boot_id");
            return Files.readString(Files.exists(own) ? own : Path.of("/proc/sys/kernel/random/boot_id")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@code lab status} says about the lab now (hosts, their state, the Swarm's nodes, the zones). */
    public String status() {
        return run(script, withLab(new ArrayList<>(List.of("status"))));
    }
    /** A fresh disk: the stopped engine's data-root is deleted. */
    public void wipe(String host) { command("wipe", host); }
    public void setAddress(String host, String address) { command("set-address", host, address); }

    /** Asks the lab's nameserver (a real query, with dig) for {@code name}'s records of {@code type}; empty if none. */
    public List<String> resolve(String name, String type) {
        String[] server = nameserver().split(":");
        String out = run(Path.of("dig"), List.of("@" + server[0], "-p", server[1], "+short", "+tries=2", "+time=2",
                name, type));
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Sends one PATCH to a zone through the lab's PowerDNS API (the key read from its file); fails unless 204. */
    public void pdnsPatch(String zone, String body) {
        pdns("PATCH", zone, body, 204);
    }

    /** The whole zone as the lab's PowerDNS API gives it (JSON: its {@code rrsets} with their comments). */
    public String pdnsZone(String zone) {
        return pdns("GET", zone, null, 200);
    }

    private String pdns(String method, String zone, String body, int expected) {
        try {
            java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(pdnsApi() + "/api/v1/servers/" + pdnsServerId() + "/zones/" + zone))
                    .header("X-API-Key", Files.readString(pdnsKeyFile()).strip())
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofString(body))
                    .timeout(java.time.Duration.ofSeconds(10))
                    .build();
            try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
                java.net.http.HttpResponse<String> response = http.send(request,
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != expected) {
                    throw new IllegalStateException(method + " " + zone + ": " + response.statusCode() + " "
                            + response.body());
                }
                return response.body();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs a command inside a host's network and UTS namespaces (and its mount namespace, with its own boot id,
     * after a new boot); returns its stdout, fails on a non-zero exit.
     */
    public String exec(String host, String... command) {
        return run(script, inHostArgs(host, command));
    }

    /** A process builder for a command inside a host, for tests that watch, signal or time the process. */
    public ProcessBuilder inHost(String host, String... command) {
        List<String> full = new ArrayList<>();
        full.add(script.toString());
        full.addAll(inHostArgs(host, command));
        return new ProcessBuilder(full);
    }

    private List<String> inHostArgs(String host, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", host, "--"));
        args.addAll(Arrays.asList(command));
        return withLab(args);
    }

    private void command(String... args) {
        run(script, withLab(new ArrayList<>(List.of(args))));
        env = parse(run(script, withLab(new ArrayList<>(List.of("env")))));
    }

    private List<String> withLab(List<String> args) {
        args.addAll(1, List.of("--lab", name));
        return args;
    }

    /** Tears the lab down: every process, namespace, link, mount and directory it made. */
    public synchronized void down() {
        if (down) {
            return;
        }
        run(script, List.of("down", "--lab", name));
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
            System.err.println("lab " + name + ": down failed: " + e.getMessage());
        }
    }

    static Map<String, String> parse(String output) {
        return Script.env(output, "LAB_");
    }

    private static String require(Map<String, String> env, String key) {
        String value = env.get(key);
        if (value == null) {
            throw new IllegalStateException("the lab's env has no " + key);
        }
        return value;
    }

    /** Runs the lab script (or another command); its stderr goes to ours, its stdout is returned. */
    private static String run(Path script, List<String> args) {
        return Script.run("lab", script, args, COMMAND_TIMEOUT_SECONDS);
    }
}
