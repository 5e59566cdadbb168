package io.berth.controller.flip;

import static io.berth.controller.flip.Fixtures.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConstraintTest {

    private final Node blueWorker = node("b1", "blue", "worker", "active");
    private final Node manager = node("m1", null, "manager", "active");

    @Test
    void labelsCompareTheirValueAndAMissingLabelIsEmpty() {
        assertTrue(Constraint.parse("node.labels.berth.pool == blue").matches(blueWorker));
        assertFalse(Constraint.parse("node.labels.berth.pool==green").matches(blueWorker));
        assertTrue(Constraint.parse("node.labels.berth.pool != none").matches(blueWorker));
        assertTrue(Constraint.parse("node.labels.berth.pool != none").matches(manager), "missing is '' != none");
        assertFalse(Constraint.parse("node.labels.berth.pool == blue").matches(manager));
        assertTrue(Constraint.parse("node.labels.berth.pool != blue").matches(manager));
    }

    @Test
    void valuesAreCaseInsensitiveLabelKeysAreNot() {
        assertTrue(Constraint.parse("node.labels.berth.pool==BLUE").matches(blueWorker));
        assertFalse(Constraint.parse("node.labels.Berth.Pool==blue").matches(blueWorker));
    }

    @Test
    void nodeFieldsAndEngineLabels() {
        assertTrue(Constraint.parse("node.role == worker").matches(blueWorker));
        assertFalse(Constraint.parse("node.role == worker").matches(manager));
        assertTrue(Constraint.parse("node.role!=worker").matches(manager));
        assertTrue(Constraint.parse("node.hostname == b1-host").matches(blueWorker));
        assertTrue(Constraint.parse("node.id != b1").matches(manager));
        assertFalse(Constraint.parse("node.id != b1").matches(blueWorker));
        assertTrue(Constraint.parse("node.platform.os == linux").matches(blueWorker));
        assertTrue(Constraint.parse("node.platform.arch == x86_64").matches(blueWorker));
        assertTrue(Constraint.parse("engine.labels.zone == a").matches(blueWorker));
    }

    @Test
    void whatCannotBeEvaluatedIsRefusedNamed() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Constraint.parse("node.ip == 10.0.0.1"));
        assertTrue(unknown.getMessage().contains("node.ip"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Constraint.parse("node.role worker"));
        assertThrows(IllegalArgumentException.class, () -> Constraint.parse("node.role =="));
        assertEquals("node.role==worker", Constraint.parse(" node.role==worker ").text());
    }
}
