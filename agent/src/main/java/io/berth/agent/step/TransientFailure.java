package io.berth.agent.step;

/** A failure that knows whether trying again may work (an outage, a timeout, a 5xx) or will fail as it is. */
public interface TransientFailure {

    boolean transientFailure();
}
