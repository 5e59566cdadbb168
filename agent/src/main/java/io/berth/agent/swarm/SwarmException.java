package io.berth.agent.swarm;

import io.berth.agent.step.TransientFailure;

/** The Swarm or an engine could not do what a step needed; {@code transientFailure} means a retry may work. */
public final class SwarmException extends Exception implements TransientFailure {

    private final boolean transientFailure;
    private final boolean localEngine;

    public SwarmException(String message, boolean transientFailure) {
        this(message, transientFailure, false);
    }

    private SwarmException(String message, boolean transientFailure, boolean localEngine) {
        super(message);
        this.transientFailure = transientFailure;
        this.localEngine = localEngine;
    }

    /** The host's own engine did not answer (not the managers): metrics count it apart. */
    static SwarmException localEngine(String message) {
        return new SwarmException(message, true, true);
    }

    public boolean fromLocalEngine() {
        return localEngine;
    }

    @Override
    public boolean transientFailure() {
        return transientFailure;
    }
}
