package io.berth.agent.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.agent.log.Log;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The one place that reads and writes {@link HostState}, in {@code stateDir/state.json} (atomically: temp file,
 * fsync, rename, directory fsync). Opening it in a new life (another kernel boot id) starts that life's record. A
 * version-1 {@code journal.json} is migrated once. An unreadable file starts afresh: every step re-checks the real
 * state, and without a hold of ours a drained node is left alone.
 */
public final class StateStore {

    static final String FILE = "state.json";
    /** The untyped journal before version 2. */
    static final String V1_FILE = "journal.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path file;
    private final boolean persist;
    private HostState state;

    private StateStore(Path file, HostState state, boolean persist) {
        this.file = file;
        this.state = state;
        this.persist = persist;
    }

    /** Opens the state of {@code life}; {@code persist} false (a dry run) keeps every change in memory. */
    public static StateStore open(Path stateDir, String life, boolean persist) {
        Path file = stateDir.resolve(FILE);
        HostState stored = read(file).orElseGet(() -> migrate(stateDir.resolve(V1_FILE)));
        HostState now = stored == null ? HostState.fresh(life)
                : life.equals(stored.life()) ? stored : stored.inLife(life);
        StateStore store = new StateStore(file, now, persist);
        if (now != stored) {
            store.save();
            if (persist) {
                deleteQuietly(stateDir.resolve(V1_FILE));
            }
        }
        return store;
    }

    /** The state as stored, without opening it for a life or writing anything (facts show it as it is). */
    public static java.util.Optional<HostState> peek(Path stateDir) {
        return read(stateDir.resolve(FILE));
    }

    public synchronized HostState get() {
        return state;
    }

    /** Changes the state and writes it before returning: call it before the action the change stands for. */
    public synchronized HostState update(UnaryOperator<HostState> change) {
        HostState next = change.apply(state);
        if (!next.equals(state)) {
            state = next;
            save();
        }
        return state;
    }

    private void save() {
        if (!persist) {
            return;
        }
        try {
            StateFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the agent's state " + file, e);
        }
    }

    private static java.util.Optional<HostState> read(Path file) {
        if (!Files.exists(file)) {
            return java.util.Optional.empty();
        }
        try {
            JsonNode tree = JSON.readTree(file.toFile());
            int version = tree.path("version").asInt(0);
            if (version != HostState.VERSION) {
                Log.warn("state: " + file + " has version " + version + ", not " + HostState.VERSION
                        + ": starting afresh");
                return java.util.Optional.of(HostState.fresh(""));
            }
            return java.util.Optional.of(JSON.treeToValue(tree, HostState.class));
        } catch (IOException | IllegalArgumentException unreadable) {
            Log.warn("state: " + file + " is unreadable: starting afresh");
            return java.util.Optional.of(HostState.fresh(""));
        }
    }

    /**
     * Version 1 (an untyped bag: nodeId, hold as a word, action, steps, tasks, completedInBoot): its life is known
     * only when its action completed, so an unfinished one counts as an earlier life's. Null when there is none.
     */
    static HostState migrate(Path v1) {
        if (!Files.exists(v1)) {
            return null;
        }
        try {
            JsonNode old = JSON.readTree(v1.toFile());
            String life = old.path("completedInBoot").asText("");
            String nodeId = old.hasNonNull("nodeId") ? old.get("nodeId").asText() : null;
            Hold hold = old.hasNonNull("hold") ? new Hold(Hold.Holder.valueOf(
                    old.get("hold").asText().toUpperCase(Locale.ROOT)), life,
                    Files.getLastModifiedTime(v1).toInstant().toString()) : null;
            HostState.Action action = null;
            if (old.hasNonNull("action")) {
                List<String> steps = new ArrayList<>();
                old.path("steps").forEach(s -> steps.add(s.asText()));
                action = new HostState.Action(old.get("action").asText(), steps, !life.isEmpty());
            }
            List<MovingTask> moving = new ArrayList<>();
            old.path("tasks").forEach(t -> moving.add(JSON.convertValue(t, MovingTask.class)));
            return new HostState(HostState.VERSION, life, nodeId, hold, action, moving);
        } catch (IOException | IllegalArgumentException unreadable) {
            return null;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A left-over v1 file is ignored once state.json exists.
        }
    }
}
