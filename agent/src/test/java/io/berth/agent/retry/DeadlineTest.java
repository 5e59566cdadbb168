package io.berth.agent.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadlineTest {

    @Test
    void theLastStepsShareAReserveOfAQuarterAtMostTenSeconds() {
        Instant end = Instant.parse("2026-12-01T00:02:00Z");
        Deadline tenSeconds = new Deadline(end, Duration.ofMillis(2500));
        assertEquals(end.minusMillis(2500), tenSeconds.forWaiting());
        assertEquals(end.minusMillis(1250), tenSeconds.lessReserve(0.5));
        assertEquals(end, tenSeconds.lessReserve(0));

        Deadline twoMinutes = Deadline.of(Duration.ofMinutes(2));
        assertEquals(Duration.ofSeconds(10), Duration.between(twoMinutes.forWaiting(), twoMinutes.end()));
        Deadline twentySeconds = Deadline.of(Duration.ofSeconds(20));
        assertEquals(Duration.ofSeconds(5), Duration.between(twentySeconds.forWaiting(), twentySeconds.end()));
    }

    @Test
    void aWindowBoundsTheCallsInsideItAndNestedWindowsOnlyShortenIt() throws Exception {
        assertTrue(CallBound.left(Duration.ofSeconds(30)).toSeconds() >= 29, "no window: a call's own timeout");
        Instant soon = Instant.now().plusSeconds(2);
        CallBound.within(soon, () -> {
            assertTrue(CallBound.left(Duration.ofSeconds(30)).compareTo(Duration.ofSeconds(2)) <= 0);
            assertTrue(CallBound.left(Duration.ofMillis(100)).compareTo(Duration.ofMillis(100)) <= 0);
            return CallBound.within(Instant.now().plusSeconds(60), () -> {
                assertTrue(CallBound.left(Duration.ofSeconds(30)).compareTo(Duration.ofSeconds(2)) <= 0,
                        "a longer inner window does not lengthen the outer one");
                return null;
            });
        });
        assertEquals(Duration.ZERO, CallBound.within(Instant.now().minusSeconds(1),
                () -> CallBound.left(Duration.ofSeconds(5))), "a window that is over leaves no time");
    }
}
