package io.berth.agent.state;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Locale;

/**
 * Who holds this host's node out of scheduling, in which life (kernel boot id) and since when. Written before the
 * drain it stands for, so a kill between the two never leaves a drain nobody owns.
 */
public record Hold(Holder by, String life, String since) {

    /** The agent's own join hold, the agent's own shutdown, or an operator (anyone else). */
    public enum Holder {
        JOIN, SHUTDOWN, OPERATOR;

        @JsonValue
        public String spelling() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static Hold by(Holder holder, String life) {
        return new Hold(holder, life, Instant.now().toString());
    }

    /**
     * Whether boot may lift it: our join's hold, or the drain of a shutdown that began in an earlier life and never
     * finished (the host rebooted on the same disk). A shutdown of this life is under way; an operator's is theirs.
     */
    public boolean oursToLift(String currentLife) {
        return by == Holder.JOIN || (by == Holder.SHUTDOWN && !currentLife.equals(life));
    }
}
