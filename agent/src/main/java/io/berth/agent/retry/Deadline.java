package io.berth.agent.retry;

import java.time.Duration;
import java.time.Instant;

/**
 * A whole command's time budget, split so that no step can starve the ones after it. The first steps (drain and
 * the long wait for tasks to move) may use all of it but a reserve; the last steps (leave, remove, deregister)
 * share the reserve, each with a window that ends a share of it before the end, so even a step that stalls until
 * its window closes leaves the next ones their time. Nothing runs past the end.
 */
public final class Deadline {

    private final Instant end;
    private final Duration reserve;

    public Deadline(Instant end, Duration reserve) {
        this.end = end;
        this.reserve = reserve;
    }

    /** A budget of {@code total} from now, keeping a quarter of it (at most 10 s) for the last steps. */
    public static Deadline of(Duration total) {
        Duration quarter = total.dividedBy(4);
        return new Deadline(Instant.now().plus(total), quarter.compareTo(Duration.ofSeconds(10)) > 0
                ? Duration.ofSeconds(10) : quarter);
    }

    /** Until when the first steps (and the long wait) may go on: the end less the whole reserve. */
    public Instant forWaiting() {
        return end.minus(reserve);
    }

    /** The end less {@code share} (0 to 1) of the reserve: the window of one of the last steps. */
    public Instant lessReserve(double share) {
        return end.minusMillis(Math.round(reserve.toMillis() * share));
    }

    public Instant end() {
        return end;
    }
}
