package io.berth.controller.flip;

import static io.berth.controller.flip.Fixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class MoveSettingsTest {

    /** A service created without update settings: the raw spec has none, the defaults view has Swarm's. */
    private final JsonNode rawWithoutSettings = json("{'Name': 'web', 'Labels': {'team': 'a'}, 'TaskTemplate': "
            + "{'ContainerSpec': {'Image': 'busybox'}, 'ForceUpdate': 2}, 'Mode': {'Replicated': {'Replicas': 3}}}");
    private final JsonNode swarmDefaults = json("{'Name': 'web', 'UpdateConfig': {'Parallelism': 1, "
            + "'FailureAction': 'pause', 'Monitor': 5000000000, 'MaxFailureRatio': 0, 'Order': 'stop-first'}, "
            + "'RollbackConfig': {'Parallelism': 1, 'FailureAction': 'pause', 'Monitor': 5000000000, "
            + "'MaxFailureRatio': 0, 'Order': 'stop-first'}}");

    @Test
    void originalSettingsRoundTripNullsIncluded() {
        MoveSettings.Original none = new MoveSettings.Original(null, null, null);
        assertEquals(none, MoveSettings.decode(MoveSettings.encode(none)));
        MoveSettings.Original own = new MoveSettings.Original(json("{'Parallelism': 2, 'Order': 'start-first'}"),
                null, 7L);
        assertEquals(own, MoveSettings.decode(MoveSettings.encode(own)));
        assertThrows(IllegalStateException.class, () -> MoveSettings.decode("not base64 json!"));
    }

    @Test
    void aServiceWithoutSettingsMovesOneAtATimeStartFirstAndGetsNullBack() {
        ObjectNode moving = MoveSettings.moving(rawWithoutSettings, swarmDefaults);
        JsonNode update = moving.get("UpdateConfig");
        assertEquals(1, update.get("Parallelism").asInt(), "never 0 = every task at once");
        assertEquals("start-first", update.get("Order").asText());
        assertEquals("pause", update.get("FailureAction").asText());
        assertEquals(5_000_000_000L, update.get("Monitor").asLong());
        assertEquals("start-first", moving.get("RollbackConfig").get("Order").asText());
        assertEquals(3, moving.get("TaskTemplate").get("ForceUpdate").asInt());
        assertEquals("a", moving.get("Labels").get("team").asText());
        assertEquals(new MoveSettings.Original(null, null, 2L), MoveSettings.decode(MoveSettings.label(moving)));

        ObjectNode restored = MoveSettings.restored(moving);
        assertFalse(restored.has("UpdateConfig"), restored.toString());
        assertFalse(restored.has("RollbackConfig"), restored.toString());
        assertNull(MoveSettings.label(restored));
        ObjectNode expected = rawWithoutSettings.deepCopy();
        ((ObjectNode) expected.get("TaskTemplate")).put("ForceUpdate", 3L);
        assertEquals(expected, restored, "as before but for the ForceUpdate the move used");
    }

    @Test
    void aServicesOwnSettingsComeBackExactlyAndItsParallelismAndMonitorAreUsed() {
        JsonNode own = json("{'Parallelism': 2, 'Delay': 1000000000, 'FailureAction': 'rollback', 'Monitor': "
                + "3000000000, 'Order': 'stop-first'}");
        ObjectNode raw = rawWithoutSettings.deepCopy();
        raw.set("UpdateConfig", own);
        raw.set("RollbackConfig", json("{'Parallelism': 0, 'Order': 'stop-first'}"));
        ObjectNode defaults = raw.deepCopy(); // insertDefaults keeps what the service sets
        ObjectNode moving = MoveSettings.moving(raw, defaults);
        assertEquals(2, moving.get("UpdateConfig").get("Parallelism").asInt());
        assertEquals(3_000_000_000L, moving.get("UpdateConfig").get("Monitor").asLong());
        assertEquals("pause", moving.get("UpdateConfig").get("FailureAction").asText(), "never its own rollback");
        assertEquals(1, moving.get("RollbackConfig").get("Parallelism").asInt());
        ObjectNode restored = MoveSettings.restored(moving);
        assertEquals(own, restored.get("UpdateConfig"));
        assertEquals(raw.get("RollbackConfig"), restored.get("RollbackConfig"));
    }

    @Test
    void aMoveBegunBeforeKeepsTheLabelledOriginalNotTheTemporarySettings() {
        ObjectNode first = MoveSettings.moving(rawWithoutSettings, swarmDefaults);
        ObjectNode again = MoveSettings.moving(first, first);
        assertEquals(MoveSettings.label(first), MoveSettings.label(again));
        assertEquals(4, again.get("TaskTemplate").get("ForceUpdate").asInt());
        assertFalse(MoveSettings.restored(again).has("UpdateConfig"));
    }

    @Test
    void aStoppedMoveIsRevertedToTheServicesOwnSpecForceUpdateIncluded() {
        ObjectNode moving = MoveSettings.moving(MoveSettings.moving(rawWithoutSettings, swarmDefaults), swarmDefaults);
        assertEquals(4, moving.get("TaskTemplate").get("ForceUpdate").asInt(), "moved twice");
        assertEquals(rawWithoutSettings.toString(), MoveSettings.reverted(moving).toString(), "exactly its own spec");
        ObjectNode oldLabel = moving.deepCopy();
        ((ObjectNode) oldLabel.get("Labels")).put(MoveSettings.ORIGINAL_LABEL,
                MoveSettings.encode(new MoveSettings.Original(null, null, null)));
        assertNull(MoveSettings.reverted(oldLabel), "a label that does not say its own ForceUpdate: no revert");
    }
}
