package io.berth.agent.swarm;

import io.berth.agent.step.TransientFailure;

/** The Swarm or an engine could not do what a step needed; {@code transientFailure} means a retry may work. */
public final class SwarmException extends Exception implements TransientFailure {

    private final boolean transientFailure;

    public SwarmException(String message, boolean transientFailure) {
        super(message);
        this.transientFailure = transientFailure;
    }

    @Override
    public boolean transientFailure() {
        return transientFailure;
    }
}
