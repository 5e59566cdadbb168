package io.berth.agent.retry;

import java.time.Duration;
import java.time.Instant;

/**
 * A whole command's time budget. The one long step (waiting for tasks to move) may use all of it but a
 * reserve; every other step gets a short timeout of its own even when the budget is spent, so a command
 * that ran out of time still tries each remaining step once, briefly, and never hangs.
 */
public final class Deadline {

    private final Instant end;
    private final Duration reserve;
    private final Duration shortStep;

    public Deadline(Instant end, Duration reserve, Duration shortStep) {
        this.end = end;
        this.reserve = reserve;
        this.shortStep = shortStep;
    }

    /** A budget of {@code total} from now, keeping a quarter of it (at most 10 s) for the steps after the long wait. */
    public static Deadline of(Duration total) {
        Duration reserve = total.dividedBy(4).compareTo(Duration.ofSeconds(10)) > 0
                ? Duration.ofSeconds(10) : total.dividedBy(4);
        return new Deadline(Instant.now().plus(total), reserve, Duration.ofSeconds(3));
    }

    /** Until when the long wait may go on. */
    public Instant forWaiting() {
        return end.minus(reserve);
    }

    /** Until when an ordinary step may retry: the end of the budget, but never less than a short step from now. */
    public Instant forStep() {
        Instant floor = Instant.now().plus(shortStep);
        return end.isAfter(floor) ? end : floor;
    }

    public Instant end() {
        return end;
    }
}
