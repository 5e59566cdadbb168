package io.berth.controller.flip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What a move does to a service's spec and how it is undone. The service's own {@code UpdateConfig} and
 * {@code RollbackConfig}, as stored (null stays null: it means Swarm's defaults), go into the service label
 * {@code berth.flip.original} in the same update that sets the move's temporary settings, so a crash can never
 * leave a service at temporary settings without the way back written beside them.
 */
public final class MoveSettings {

    public static final String ORIGINAL_LABEL = "berth.flip.original";
    /** Swarm's own default monitor period, for a defaults view that lacks one. */
    static final long DEFAULT_MONITOR_NANOS = 5_000_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A service's own settings; a null field is one the service does not set. {@code forceUpdate}: its own
     * {@code TaskTemplate.ForceUpdate}, which tells its own tasks from the move's; null in a label written
     * without it.
     */
    record Original(JsonNode updateConfig, JsonNode rollbackConfig, Long forceUpdate) {
    }

    private MoveSettings() {
    }

    static Original of(JsonNode rawSpec) {
        return new Original(field(rawSpec, "UpdateConfig"), field(rawSpec, "RollbackConfig"),
                rawSpec.path("TaskTemplate").path("ForceUpdate").asLong(0));
    }

    static String encode(Original original) {
        ObjectNode both = JSON.createObjectNode();
        both.set("UpdateConfig", original.updateConfig() == null ? NullNode.getInstance() : original.updateConfig());
        both.set("RollbackConfig", original.rollbackConfig() == null ? NullNode.getInstance()
                : original.rollbackConfig());
        if (original.forceUpdate() != null) {
            both.put("ForceUpdate", original.forceUpdate());
        }
        return Base64.getEncoder().encodeToString(both.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Original decode(String label) {
        try {
            JsonNode both = JSON.readTree(Base64.getDecoder().decode(label));
            JsonNode force = both.get("ForceUpdate");
            return new Original(field(both, "UpdateConfig"), field(both, "RollbackConfig"),
                    force == null || !force.isIntegralNumber() ? null : force.asLong());
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("label " + ORIGINAL_LABEL + " is not berth's: " + e.getMessage());
        }
    }

    /** The label's value, or null when the service is not being moved. */
    static String label(JsonNode rawSpec) {
        JsonNode value = rawSpec.path("Labels").get(ORIGINAL_LABEL);
        return value == null || value.isNull() ? null : value.asText();
    }

    /**
     * The spec that moves the service: the raw spec with the original settings labelled (kept as they are when a
     * move was already started: they are then the label's, not the spec's), temporary settings and ForceUpdate+1.
     * {@code defaultsSpec} is the same service read with {@code insertDefaults}: a raw null UpdateConfig means
     * Swarm's defaults, and editing only some fields of it would leave Parallelism 0, every task at once.
     */
    static ObjectNode moving(JsonNode rawSpec, JsonNode defaultsSpec) {
        ObjectNode spec = rawSpec.deepCopy();
        if (label(rawSpec) == null) {
            labels(spec).put(ORIGINAL_LABEL, encode(of(rawSpec)));
        }
        spec.set("UpdateConfig", temporary(defaultsSpec.path("UpdateConfig")));
        spec.set("RollbackConfig", temporary(defaultsSpec.path("RollbackConfig")));
        ObjectNode template = spec.withObjectProperty("TaskTemplate");
        template.put("ForceUpdate", template.path("ForceUpdate").asLong(0) + 1);
        return spec;
    }

    /** The spec that puts the labelled settings back and drops the label: no ForceUpdate, so no task restarts. */
    static ObjectNode restored(JsonNode rawSpec) {
        String label = label(rawSpec);
        if (label == null) {
            throw new IllegalStateException("no " + ORIGINAL_LABEL + " label to restore from");
        }
        Original original = decode(label);
        ObjectNode spec = rawSpec.deepCopy();
        put(spec, "UpdateConfig", original.updateConfig());
        put(spec, "RollbackConfig", original.rollbackConfig());
        labels(spec).remove(ORIGINAL_LABEL);
        return spec;
    }

    /**
     * The service's own spec again, a move that stopped undone: its settings back, the label dropped and its own
     * {@code ForceUpdate}, so the tasks it had before the move are clean again and Swarm keeps them, removing only
     * the move's replacements. Null when the label does not say which ForceUpdate was its own.
     */
    static ObjectNode reverted(JsonNode rawSpec) {
        Original original = decode(label(rawSpec));
        if (original.forceUpdate() == null) {
            return null;
        }
        ObjectNode spec = restored(rawSpec);
        spec.withObjectProperty("TaskTemplate").put("ForceUpdate", original.forceUpdate());
        return spec;
    }

    /**
     * The move's settings from the service's own (defaults filled in): start-first, so an old task goes only once
     * its replacement runs; failure pauses instead of rolling back (a rollback is stop-first by default and
     * dips); parallelism and monitor as the service's own, parallelism 1 when its own is 0 (all at once).
     */
    static ObjectNode temporary(JsonNode ownWithDefaults) {
        ObjectNode config = ownWithDefaults.isObject() ? ((ObjectNode) ownWithDefaults).deepCopy()
                : JSON.createObjectNode();
        if (config.path("Parallelism").asLong(0) <= 0) {
            config.put("Parallelism", 1);
        }
        if (!config.has("Monitor") || config.path("Monitor").asLong(0) <= 0) {
            config.put("Monitor", DEFAULT_MONITOR_NANOS);
        }
        config.put("FailureAction", "pause");
        config.put("Order", "start-first");
        return config;
    }

    private static JsonNode field(JsonNode object, String name) {
        JsonNode value = object.get(name);
        return value == null || value.isNull() ? null : value;
    }

    private static void put(ObjectNode spec, String name, JsonNode value) {
        if (value == null) {
            spec.remove(name);
        } else {
            spec.set(name, value);
        }
    }

    private static ObjectNode labels(ObjectNode spec) {
        if (!spec.path("Labels").isObject()) {
            spec.set("Labels", JSON.createObjectNode());
        }
        return (ObjectNode) spec.get("Labels");
    }
}
