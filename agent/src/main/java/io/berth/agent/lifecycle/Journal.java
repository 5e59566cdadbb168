package io.berth.agent.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What boot and shutdown have done so far, in {@code stateDir/journal.json}, written atomically
 * (temp file, fsync, rename) after every change, so a rerun after SIGKILL picks up where the last run died.
 * Completion is scoped to the kernel's boot id and to the action last begun: a shutdown finished before a
 * later boot (of the agent or of the kernel) is not taken for done. Facts such as "the node is held drained
 * by our own join" outlive reboots.
 */
public final class Journal {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final ObjectNode state;
    private final String kernelBootId;
    private final boolean persist;

    private Journal(Path file, ObjectNode state, String kernelBootId, boolean persist) {
        this.file = file;
        this.state = state;
        this.kernelBootId = kernelBootId;
        this.persist = persist;
    }

    /**
     * Loads the journal (an unreadable one starts empty: every step re-checks the real state anyway).
     * With {@code persist} false (a dry run) changes stay in memory.
     */
    public static Journal load(Path stateDir, String kernelBootId, boolean persist) {
        Path file = stateDir.resolve("journal.json");
        ObjectNode state = null;
        try {
            if (Files.exists(file)) {
                state = (ObjectNode) JSON.readTree(file.toFile());
            }
        } catch (IOException | ClassCastException unreadable) {
            state = null;
        }
        return new Journal(file, state == null ? JSON.createObjectNode() : state, kernelBootId, persist);
    }

    /**
     * Starts {@code boot} or {@code shutdown}. Rerunning the same action keeps what its earlier, interrupted
     * run journaled (the tasks a drain must see moved); a new action forgets them. The node id stays: the engine forgets it when it leaves.
     */
    public synchronized void begin(String action) {
        if (!action.equals(action())) {
            state.put("action", action);
            state.remove(List.of("steps", "tasks"));
        }
        state.remove("completedInBoot");
        save();
    }

    /** The action last begun, or empty. */
    public synchronized String action() {
        return state.path("action").asText("");
    }

    /** Whether {@code action} last finished with every step done (and nothing has begun since). */
    public synchronized boolean completed(String action) {
        return action.equals(action()) && kernelBootId.equals(state.path("completedInBoot").asText());
    }

    public synchronized void complete() {
        state.put("completedInBoot", kernelBootId);
        save();
    }

    public synchronized void stepDone(String step) {
        List<String> steps = steps();
        if (!steps.contains(step)) {
            state.withArray("steps").add(step);
            save();
        }
    }

    public synchronized List<String> steps() {
        List<String> steps = new ArrayList<>();
        state.path("steps").forEach(s -> steps.add(s.asText()));
        return steps;
    }

    public synchronized Optional<String> get(String key) {
        return state.hasNonNull(key) ? Optional.of(state.get(key).asText()) : Optional.empty();
    }

    public synchronized void put(String key, String value) {
        if (value == null) {
            state.remove(key);
        } else {
            state.put(key, value);
        }
        save();
    }

    /** A list of small records (e.g. the tasks a drain must see moved), as JSON. */
    public synchronized <T> List<T> getList(String key, Class<T> type) {
        List<T> values = new ArrayList<>();
        state.path(key).forEach(v -> values.add(JSON.convertValue(v, type)));
        return values;
    }

    public synchronized void putList(String key, List<?> values) {
        state.set(key, JSON.valueToTree(values));
        save();
    }

    private void save() {
        if (!persist) {
            return;
        }
        try {
            StateFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the journal " + file, e);
        }
    }
}
