package io.berth.controller.flip;

import static io.berth.controller.flip.Fixtures.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.controller.cli.UsageException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RollbackCommandTest {

    @Test
    void fromIsTheOneOtherPoolThatIsNotDrained() {
        List<Node> nodes = List.of(node("m1", null, "manager", "active"), node("b1", "blue", "worker", "drain"),
                node("g1", "green", "worker", "active"), node("r1", "red", "worker", "drain"));
        assertEquals("green", RollbackCommand.loadedPool(nodes, "blue"));
    }

    @Test
    void noneOrSeveralIsAUsageErrorAskingForFrom() {
        List<Node> two = List.of(node("b1", "blue", "worker", "drain"), node("g1", "green", "worker", "pause"),
                node("r1", "red", "worker", "active"));
        UsageException several = assertThrows(UsageException.class, () -> RollbackCommand.loadedPool(two, "blue"));
        assertTrue(several.getMessage().contains("green, red"), several.getMessage());
        assertThrows(UsageException.class, () -> RollbackCommand.loadedPool(
                List.of(node("b1", "blue", "worker", "active")), "blue"));
    }
}
