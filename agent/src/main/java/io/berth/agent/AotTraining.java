package io.berth.agent;

import io.berth.agent.log.Log;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The training run for the JDK's ahead-of-time cache, made at build time ({@code -XX:AOTCacheOutput}). It runs
 * a real boot and shutdown, and a unix-socket request, against a stand-in for the Engine and PowerDNS APIs on
 * loopback, so the cache holds the classes, linkage and profiles of the real paths. A cold berth-agent then
 * starts in about half the time: that matters on every boot and on every Ansible module call.
 *
 * <p>It is no command: {@link Main#main} runs it instead of the command line when the build sets the system property
 * {@value #PROPERTY} (in the {@code JAVA_TOOL_OPTIONS} beside {@code -XX:AOTCacheOutput}), so the cache is still made
 * through the launcher, with exactly its flags.
 */
final class AotTraining {

    /** Set only by the build's training run (agent/pom.xml, profile aot-cache). */
    static final String PROPERTY = "berth.aotTraining";

    private static final String NODE = "{\"ID\":\"trainingnode\",\"Version\":{\"Index\":7},\"Spec\":{\"Labels\":{},"
            + "\"Role\":\"worker\",\"Availability\":\"%s\"},\"Status\":{\"State\":\"ready\",\"Addr\":\"127.0.0.1\"},"
            + "\"Description\":{\"Hostname\":\"w1\"}}";

    private volatile boolean joined;
    private volatile String availability = "drain";

    /** Whether this JVM was started by the build to train the cache. */
    static boolean requested() {
        return Boolean.getBoolean(PROPERTY);
    }

    /** Trains: 0 when the boot and the shutdown both succeeded against the stand-in, else 1 (the build fails). */
    static int train() {
        try {
            return new AotTraining().run();
        } catch (Exception e) {
            Log.error("AOT training failed: " + Log.oneLine(e));
            return 1;
        }
    }

    private int run() throws Exception {
        Path dir = Files.createTempDirectory("berth-aot");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", this::answer);
        server.start();
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        try {
            Path config = config(dir, server.getAddress().getPort());
            Log.to(quiet);
            int boot = Main.execute("boot", "--config", config.toString());
            int shutdown = Main.execute("shutdown", "--config", config.toString(), "--deadline", "10s");
            // The unix-socket transport (what a real engine is reached through) and the JSON log.
            Main.execute("boot", "--config", config.toString(), "--dry-run", "--log-format", "json",
                    "--log-level", "warn");
            Files.writeString(config, Files.readString(config).replaceFirst("engine: .*",
                    "engine: unix://" + dir.resolve("absent.sock")));
            Main.execute("shutdown", "--config", config.toString(), "--deadline", "1s", "--dry-run");
            Log.to(System.err);
            Log.info("AOT training: boot exited " + boot + ", shutdown " + shutdown);
            return boot == 0 && shutdown == 0 ? 0 : 1;
        } finally {
            Log.to(System.err);
            server.stop(0);
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Just enough of the Engine API (1.41) and the PowerDNS API for one boot and one shutdown. */
    private void answer(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        exchange.getRequestBody().readAllBytes();
        String body;
        int status = 200;
        if (path.equals("/_ping") || path.endsWith("/_ping")) {
            body = "OK";
        } else if (path.endsWith("/info")) {
            body = "{\"Swarm\":{\"NodeID\":\"" + (joined ? "trainingnode" : "") + "\",\"LocalNodeState\":\""
                    + (joined ? "active" : "inactive") + "\",\"ControlAvailable\":false}}";
        } else if (path.endsWith("/swarm/join")) {
            joined = true;
            body = "";
        } else if (path.endsWith("/swarm/leave")) {
            joined = false;
            body = "";
        } else if (path.endsWith("/nodes") && method.equals("GET")) {
            body = "[" + NODE.formatted(availability) + "]";
        } else if (path.contains("/nodes/") && path.endsWith("/update")) {
            availability = availability.equals("drain") ? "active" : "drain";
            body = "";
        } else if (path.contains("/nodes/")) {
            body = "";
        } else if (path.endsWith("/tasks")) {
            body = "[{\"ID\":\"t1\",\"ServiceID\":\"s1\",\"Slot\":1,\"NodeID\":\"other\",\"DesiredState\":\"running\","
                    + "\"Status\":{\"State\":\"running\"}}]";
        } else if (path.startsWith("/api/v1/servers/") && method.equals("GET")) {
            body = "{\"name\":\"example.com.\",\"rrsets\":[]}";
        } else if (path.startsWith("/api/v1/servers/")) {
            status = 204;
            body = "";
        } else {
            status = 404;
            body = "{\"message\":\"not in the training stand-in\"}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private static Path config(Path dir, int port) throws IOException {
        Path key = Files.writeString(dir.resolve("key"), "training");
        Path token = Files.writeString(dir.resolve("token"), "SWMTKN-1-training0-training1");
        return Files.writeString(dir.resolve("agent.yml"), """
                host: {name: w1, address: 127.0.0.1}
                dns: {api: "http://127.0.0.1:%d", apiKeyFile: %s, zone: example.com., reverseZone: 0.0.127.in-addr.arpa.}
                swarm:
                  engine: tcp://127.0.0.1:%d
                  joinAddrs: [127.0.0.1:%d]
                  joinTokenFile: %s
                  managerApi: [tcp://127.0.0.1:%d]
                  insecure: true
                  activateWhenReady: false
                  labels: {berth.pool: training}
                stateDir: %s
                """.formatted(port, key, port, port, token, port, dir.resolve("state")));
    }
}
