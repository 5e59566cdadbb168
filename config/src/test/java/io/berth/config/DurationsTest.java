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

    @Test
    void formatUsesTheLargestUnitThatDividesAndParsesBack() {
        assertEquals("2m", Durations.format(Duration.ofSeconds(120)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("3h", Durations.format(Duration.ofMinutes(180)));
        for (String text : new String[] {"1ms", "999999999ms", "61s", "999999999h"}) {
            assertEquals(text, Durations.format(Durations.parse(text)));
        }
    }

    @Test
    void formatRefusesWhatTheSyntaxCannotSay() {
        assertThrows(IllegalArgumentException.class, () -> Durations.format(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Durations.format(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> Durations.format(Duration.ofNanos(1_500_000)));
        assertThrows(IllegalArgumentException.class, () -> Durations.format(Duration.ofMillis(1_000_000_001)));
        assertThrows(IllegalArgumentException.class, () -> Durations.format(Duration.ofHours(1_000_000_000)));
    }
}
