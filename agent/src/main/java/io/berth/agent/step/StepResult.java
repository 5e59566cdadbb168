package io.berth.agent.step;

/**
 * What a step did (or, in dry-run mode, would do): whether anything changed, one line saying what,
 * and the state before and after (JSON-friendly values: strings, maps, lists) for a diff.
 */
public record StepResult(boolean changed, String message, Object before, Object after) {

    /** Nothing to do: the state was already as wanted. */
    public static StepResult unchanged(String message, Object state) {
        return new StepResult(false, message, state, state);
    }

    /** The state changed (or would change, in dry-run mode) from before to after. */
    public static StepResult changed(String message, Object before, Object after) {
        return new StepResult(true, message, before, after);
    }
}
