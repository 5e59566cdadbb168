package io.berth.controller.flip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.agent.log.Log;
import io.berth.agent.swarm.DockerConnection;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One flip or rollback at a time, held in the Swarm: a config object {@code berth-lock}. The managers create a
 * config atomically and refuse a second one of the same name (409), so two controllers on two machines cannot
 * both win. Its labels name the holder. A holder on this machine whose process is gone (killed) is stale and
 * taken over; one elsewhere is broken only with {@code --break-lock}.
 */
final class SwarmLock implements AutoCloseable {

    static final String NAME = "berth-lock";
    static final String HOLDER = "berth.lock.holder";
    static final String HOST = "berth.lock.host";
    static final String PID = "berth.lock.pid";
    static final String STARTED = "berth.lock.process-started";
    static final String SINCE = "berth.lock.since";
    static final String WHAT = "berth.lock.what";

    /** Someone else holds it. */
    static final class HeldException extends Exception {
        HeldException(String message) {
            super(message, null, false, false);
        }
    }

    private final Swarm swarm;
    private final String id;

    private SwarmLock(Swarm swarm, String id) {
        this.swarm = swarm;
        this.id = id;
    }

    /** Takes the lock for {@code what}, or throws HeldException naming the holder. */
    static SwarmLock acquire(Swarm swarm, String what, boolean breakLock) throws Exception {
        Map<String, String> mine = holder(what);
        for (int attempt = 0; attempt < 2; attempt++) {
            Optional<JsonNode> held = find(swarm);
            if (held.isPresent()) {
                Map<String, String> labels = labels(held.get());
                boolean stale = staleHere(labels, mine.get(HOST));
                if (!breakLock && !stale) {
                    throw new HeldException("locked by " + describe(labels)
                            + ": wait for it, or rerun with --break-lock if that process is gone");
                }
                Log.warn((stale ? "taking over a stale lock" : "breaking the lock") + " of " + describe(labels));
                remove(swarm, held.get().path("ID").asText());
            }
            ObjectNode body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            body.put("Name", NAME);
            body.set("Labels", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.pojoNode(mine));
            body.put("Data", Base64.getEncoder().encodeToString(describe(mine).getBytes(StandardCharsets.UTF_8)));
            try {
                JsonNode created = swarm.send("POST", "/configs/create", body);
                return new SwarmLock(swarm, created.path("ID").asText());
            } catch (DockerConnection.EngineException e) {
                if (e.status() != 409) {
                    throw e;
                }
                // Another controller created it between our look and our create: look again, once.
            }
        }
        Optional<JsonNode> winner = find(swarm);
        throw new HeldException("locked by " + winner.map(w -> describe(labels(w))).orElse("another berth"));
    }

    /** Releases the lock if it is still this one (a --break-lock elsewhere may have taken it). */
    @Override
    public void close() {
        try {
            remove(swarm, id);
        } catch (Exception e) {
            Log.warn("could not release the lock " + NAME + " (" + id + "): " + Log.oneLine(e)
                    + ": the next flip on this machine takes it over, elsewhere it needs --break-lock");
        }
    }

    static Optional<JsonNode> find(Swarm swarm) throws Exception {
        JsonNode configs = swarm.send("GET", "/configs?filters=" + Swarm.filters(Map.of("name", List.of(NAME))), null);
        for (JsonNode c : configs) {
            if (NAME.equals(c.path("Spec").path("Name").asText())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    private static void remove(Swarm swarm, String id) throws Exception {
        try {
            swarm.send("DELETE", "/configs/" + id, null);
        } catch (DockerConnection.EngineException e) {
            if (e.status() != 404) {
                throw e; // 404: already gone, as wanted
            }
        }
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

    static String describe(Map<String, String> labels) {
        return labels.getOrDefault(HOLDER, "?") + " pid " + labels.getOrDefault(PID, "?") + " since "
                + labels.getOrDefault(SINCE, "?") + " (" + labels.getOrDefault(WHAT, "?") + ")";
    }

    private static Map<String, String> labels(JsonNode config) {
        Map<String, String> out = new LinkedHashMap<>();
        config.path("Spec").path("Labels").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
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
