package io.berth.controller.lock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.agent.log.Log;
import io.berth.agent.swarm.DockerConnection;
import io.berth.agent.swarm.Managers;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One flip, rollback or pool destroy at a time, held in the Swarm: a config object {@code berth-lock}. The
 * managers create a config atomically and refuse a second one of the same name (409), so two controllers on two
 * machines cannot both win. Its labels name the holder and the step it is at (a config's labels are the one thing
 * Swarm lets change). A holder on this machine whose process is gone (killed) is stale and taken over; one
 * elsewhere is broken only with {@code --break-lock}. A JVM shutdown (Ctrl-C, SIGTERM) releases it.
 */
public final class SwarmLock implements AutoCloseable {

    public static final String NAME = "berth-lock";
    static final String HOLDER = "berth.lock.holder";
    static final String HOST = "berth.lock.host";
    static final String PID = "berth.lock.pid";
    static final String STARTED = "berth.lock.process-started";
    static final String SINCE = "berth.lock.since";
    static final String WHAT = "berth.lock.what";
    static final String STEP = "berth.lock.step";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Someone else holds it. */
    public static final class HeldException extends Exception {
        HeldException(String message) {
            super(message, null, false, false);
        }
    }

    /** Who holds the lock, for what, since when, and at which step (empty before the first). */
    public record Holder(String holder, String pid, String since, String what, String step) {

        static Holder of(Map<String, String> labels) {
            return new Holder(labels.getOrDefault(HOLDER, "?"), labels.getOrDefault(PID, "?"),
                    labels.getOrDefault(SINCE, "?"), labels.getOrDefault(WHAT, "?"), labels.getOrDefault(STEP, ""));
        }

        public String text() {
            return holder + " pid " + pid + " since " + since + " (" + what + ")";
        }
    }

    private final Managers managers;
    private final String id;
    private final Map<String, String> labels;
    private final Thread release = new Thread(this::close, "release-lock");
    private boolean released;

    private SwarmLock(Managers managers, String id, Map<String, String> labels) {
        this.managers = managers;
        this.id = id;
        this.labels = labels;
    }

    /** Takes the lock for {@code what}, or throws HeldException naming the holder. */
    public static SwarmLock acquire(Managers managers, String what, boolean breakLock) throws Exception {
        Map<String, String> mine = holder(what);
        for (int attempt = 0; attempt < 2; attempt++) {
            Optional<JsonNode> held = find(managers);
            if (held.isPresent()) {
                Map<String, String> labels = labels(held.get());
                boolean stale = staleHere(labels, mine.get(HOST));
                if (!breakLock && !stale) {
                    throw new HeldException("locked by " + Holder.of(labels).text()
                            + ": wait for it, or rerun with --break-lock if that process is gone");
                }
                Log.warn((stale ? "taking over a stale lock" : "breaking the lock") + " of " + Holder.of(labels).text());
                remove(managers, held.get().path("ID").asText());
            }
            try {
                JsonNode created = send(managers, "POST", "/configs/create", spec(mine));
                SwarmLock lock = new SwarmLock(managers, created.path("ID").asText(), mine);
                Runtime.getRuntime().addShutdownHook(lock.release);
                return lock;
            } catch (DockerConnection.EngineException e) {
                if (e.status() != 409) {
                    throw e;
                }
                // Another controller created it between our look and our create: look again, once.
            }
        }
        Optional<JsonNode> winner = find(managers);
        throw new HeldException("locked by " + winner.map(w -> Holder.of(labels(w)).text()).orElse("another berth"));
    }

    /** The holder now, if the lock is held. */
    public static Optional<Holder> holder(Managers managers) throws Exception {
        return find(managers).map(c -> Holder.of(labels(c)));
    }

    /**
     * Records the step the holder is at, for {@code berth status} and a second berth's refusal. Best effort: a
     * failure is logged, the work goes on (the lock itself still holds).
     */
    public synchronized void step(String step) {
        labels.put(STEP, step);
        try {
            JsonNode now = send(managers, "GET", "/configs/" + id, null);
            send(managers, "POST", "/configs/" + id + "/update?version=" + now.path("Version").path("Index").asLong(),
                    spec(labels));
        } catch (Exception e) {
            Log.warn("could not record the step in " + NAME + ": " + Log.oneLine(e));
        }
    }

    /** Releases the lock if it is still this one (a --break-lock elsewhere may have taken it). Once. */
    @Override
    public synchronized void close() {
        if (released) {
            return;
        }
        released = true;
        try {
            remove(managers, id);
        } catch (Exception e) {
            Log.warn("could not release the lock " + NAME + " (" + id + "): " + Log.oneLine(e)
                    + ": the next run on this machine takes it over, elsewhere it needs --break-lock");
        }
        if (Thread.currentThread() != release) {
            try {
                Runtime.getRuntime().removeShutdownHook(release);
            } catch (IllegalStateException exiting) {
                // already shutting down: the hook finds it released
            }
        }
    }

    private static ObjectNode spec(Map<String, String> labels) {
        ObjectNode body = JSON.createObjectNode();
        body.put("Name", NAME);
        body.set("Labels", JSON.valueToTree(labels));
        // Data cannot change after create: it says what the lock is, the labels say who holds it.
        body.put("Data", Base64.getEncoder().encodeToString(
                "berth's lock: one flip, rollback or pool destroy at a time".getBytes(StandardCharsets.UTF_8)));
        return body;
    }

    private static Optional<JsonNode> find(Managers managers) throws Exception {
        String filters = URLEncoder.encode(JSON.writeValueAsString(Map.of("name", List.of(NAME))),
                StandardCharsets.UTF_8);
        for (JsonNode c : send(managers, "GET", "/configs?filters=" + filters, null)) {
            if (NAME.equals(c.path("Spec").path("Name").asText())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    private static void remove(Managers managers, String id) throws Exception {
        try {
            send(managers, "DELETE", "/configs/" + id, null);
        } catch (DockerConnection.EngineException e) {
            if (e.status() != 404) {
                throw e; // 404: already gone, as wanted
            }
        }
    }

    private static JsonNode send(Managers managers, String method, String path, Object body) throws Exception {
        return managers.call(m -> m.send(method, path, body));
    }

    static Map<String, String> holder(String what) {
        ProcessHandle self = ProcessHandle.current();
        Map<String, String> labels = new LinkedHashMap<>();
        String host = hostName();
        labels.put(HOLDER, System.getProperty("user.name") + "@" + host);
        labels.put(HOST, host);
        labels.put(PID, String.valueOf(self.pid()));
        labels.put(STARTED, self.info().startInstant().map(Instant::toString).orElse(""));
        labels.put(SINCE, Instant.now().toString());
        labels.put(WHAT, what);
        return labels;
    }

    /** A holder on this host whose process (pid and start time: pids are reused) no longer runs. */
    static boolean staleHere(Map<String, String> labels, String thisHost) {
        if (!thisHost.equals(labels.get(HOST))) {
            return false;
        }
        long pid;
        try {
            pid = Long.parseLong(labels.getOrDefault(PID, ""));
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        return process.isEmpty() || !process.get().isAlive() || !labels.getOrDefault(STARTED, "")
                .equals(process.get().info().startInstant().map(Instant::toString).orElse(""));
    }

    private static Map<String, String> labels(JsonNode config) {
        Map<String, String> out = new LinkedHashMap<>();
        config.path("Spec").path("Labels").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "unknown-host" : env;
        }
    }
}
