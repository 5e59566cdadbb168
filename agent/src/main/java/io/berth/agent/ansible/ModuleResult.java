package io.berth.agent.ansible;

import io.berth.agent.lifecycle.HostActions;
import io.berth.agent.step.StepsRunner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a module prints: Ansible's result keys ({@code changed}, {@code msg}, {@code diff}, …) and its own. */
final class ModuleResult {

    private final Map<String, Object> values = new LinkedHashMap<>();
    private Object before;
    private Object after;

    ModuleResult(boolean changed, String msg) {
        values.put("changed", changed);
        values.put("msg", msg);
    }

    ModuleResult put(String key, Object value) {
        values.put(key, value);
        return this;
    }

    /** The state before and after, shown as Ansible's diff when the task asks for one. */
    ModuleResult diff(Object before, Object after) {
        this.before = before;
        this.after = after;
        return this;
    }

    boolean changed() {
        return Boolean.TRUE.equals(values.get("changed"));
    }

    /** One of the agent's actions as a result: refused → failed saying why; else as {@link #ofSteps}. */
    static ModuleResult ofAction(HostActions.Done done, boolean checkMode) throws ModuleFailure {
        if (done.refused().isPresent()) {
            throw new ModuleFailure(done.refused().get());
        }
        return ofSteps(done.action(), done.outcomes(), checkMode);
    }

    /**
     * A run of steps as one result: changed when any step changed, failed naming every step not done, the diff each
     * step's before and after by its name, and each step's outcome under {@code steps}.
     */
    static ModuleResult ofSteps(String action, List<StepsRunner.Outcome> outcomes, boolean checkMode)
            throws ModuleFailure {
        Map<String, Object> before = new LinkedHashMap<>();
        Map<String, Object> after = new LinkedHashMap<>();
        List<Map<String, Object>> steps = outcomes.stream().map(o -> {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("step", o.step());
            step.put("status", o.status().name().toLowerCase(java.util.Locale.ROOT));
            step.put("changed", o.changed());
            step.put("msg", o.result() != null ? o.result().message() : o.error());
            if (o.result() != null && o.result().changed()) {
                before.put(o.step(), o.result().before());
                after.put(o.step(), o.result().after());
            }
            return step;
        }).toList();
        List<String> notDone = outcomes.stream().filter(o -> o.status() != StepsRunner.Status.OK)
                .map(o -> o.step() + " (" + o.error() + ")").toList();
        List<String> changed = outcomes.stream().filter(StepsRunner.Outcome::changed).map(StepsRunner.Outcome::step)
                .toList();
        if (!notDone.isEmpty()) {
            throw new StepsFailed(action + " incomplete: not done: " + String.join("; ", notDone), steps,
                    !changed.isEmpty() && !checkMode);
        }
        String msg = changed.isEmpty() ? action + ": nothing to do, already done"
                : action + (checkMode ? " would change: " : " changed: ") + String.join(", ", changed);
        return new ModuleResult(!changed.isEmpty(), msg).put("steps", steps).diff(before, after);
    }

    /** A failed run of steps: the message and each step's outcome. */
    static final class StepsFailed extends ModuleFailure {
        final List<Map<String, Object>> steps;
        final boolean changed;

        StepsFailed(String msg, List<Map<String, Object>> steps, boolean changed) {
            super(msg);
            this.steps = steps;
            this.changed = changed;
        }
    }

    /** The JSON object to print; the diff only when asked for. */
    Map<String, Object> toMap(boolean withDiff) {
        Map<String, Object> out = new LinkedHashMap<>(values);
        if (withDiff && before != null) {
            out.put("diff", Map.of("before", before, "after", after));
        }
        return out;
    }
}
