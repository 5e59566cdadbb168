package io.berth.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ReconcileLoopTest {

    @Test
    void everyPassIsThoroughUntilBootThenOneInTen() {
        assertTrue(ReconcileLoop.thorough(false, 0));
        assertTrue(ReconcileLoop.thorough(false, 7), "a boot that keeps failing stays thorough");
        assertTrue(ReconcileLoop.thorough(true, 0));
        assertEquals(9, LongStream.rangeClosed(1, 9).filter(n -> !ReconcileLoop.thorough(true, n)).count(),
                "then nine quick ones");
        assertTrue(ReconcileLoop.thorough(true, 10));
        assertFalse(ReconcileLoop.thorough(true, 11));
        assertTrue(ReconcileLoop.thorough(true, 20));
    }

    @Test
    void backoffDoublesUpToItsCapAndResets() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertEquals(Duration.ofSeconds(1), backoff.current());
        backoff.grow();
        assertEquals(Duration.ofSeconds(2), backoff.current());
        backoff.grow();
        backoff.grow();
        assertEquals(Duration.ofSeconds(5), backoff.current());
        backoff.reset();
        assertEquals(Duration.ofSeconds(1), backoff.current());
    }
}
