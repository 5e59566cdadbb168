package io.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void eachUnitParses() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "120", "0s", "1.5s", "-5s", "2d", "1H", " 1s", "1234567890s"})
    void anythingElseIsRejected(String text) {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    }
}
