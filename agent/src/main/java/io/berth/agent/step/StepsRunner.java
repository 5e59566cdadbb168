package io.berth.agent.step;

import io.berth.agent.log.Log;
import io.berth.agent.retry.CallBound;
import io.berth.agent.state.StateStore;
import io.berth.agent.retry.Retry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs boot's or shutdown's steps in order, recording each one done in the host's state. A failed step does not stop the run:
 * the steps that require it are skipped, the others still run, and every outcome is reported.
 */
public final class StepsRunner {

    /**
     * A step, the names of the steps it needs to have succeeded, and its window: until when it is retried after a
     * transient failure, and when every call it makes must end. Without a window a step runs once.
     */
    public record Planned(Step step, Set<String> requires, Instant window) {
        public static Planned of(Step step, String... requires) {
            return new Planned(step, Set.of(requires), null);
        }

        /** The same step, retried with backoff until {@code until}, every call in it bounded by it. */
        public Planned within(Instant until) {
            return new Planned(step, requires, until);
        }
    }

    private static final Retry RETRY = new Retry(Duration.ofMillis(200), Duration.ofSeconds(2));

    /** How one step ended. */
    public enum Status { OK, FAILED, SKIPPED }

    /** One step's outcome: its result when it ran, else why not. */
    public record Outcome(String step, Status status, StepResult result, String error) {
        public boolean changed() {
            return result != null && result.changed();
        }
    }

    private final StateStore state;
    private final boolean dryRun;

    public StepsRunner(StateStore state, boolean dryRun) {
        this.state = state;
        this.dryRun = dryRun;
    }

    public List<Outcome> run(List<Planned> plan) throws InterruptedException {
        List<Outcome> outcomes = new ArrayList<>();
        Set<String> failed = new HashSet<>();
        Set<String> wouldChange = new HashSet<>();
        for (Planned planned : plan) {
            String name = planned.step().name();
            List<String> missing = planned.requires().stream().filter(failed::contains).sorted().toList();
            if (!missing.isEmpty()) {
                failed.add(name);
                String why = "skipped: needs " + String.join(", ", missing);
                Log.step(Log.Level.WARN, name, why);
                outcomes.add(new Outcome(name, Status.SKIPPED, null, why));
                continue;
            }
            // A dry run cannot check a step against a state an earlier step only would have made.
            List<String> pending = planned.requires().stream().filter(wouldChange::contains).sorted().toList();
            if (!pending.isEmpty()) {
                wouldChange.add(name);
                StepResult result = StepResult.changed("would run after " + String.join(", ", pending), null, null);
                Log.step(Log.Level.INFO, name, "changed: " + result.message());
                outcomes.add(new Outcome(name, Status.OK, result, null));
                continue;
            }
            long start = System.nanoTime();
            try {
                StepResult result = planned.window() == null ? planned.step().run(dryRun) : runWithin(planned);
                if (dryRun && result.changed()) {
                    wouldChange.add(name);
                }
                Log.step(Log.Level.INFO, name, (result.changed() ? "changed: " : "ok: ") + result.message()
                        + took(start));
                if (!dryRun) {
                    state.update(s -> s.stepDone(name));
                }
                outcomes.add(new Outcome(name, Status.OK, result, null));
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                failed.add(name);
                String why = Log.oneLine(e);
                Log.step(Log.Level.ERROR, name, why + took(start));
                outcomes.add(new Outcome(name, Status.FAILED, null, why));
            }
        }
        return outcomes;
    }

    private StepResult runWithin(Planned planned) throws Exception {
        Instant until = planned.window();
        String name = planned.step().name();
        return CallBound.within(until, () -> RETRY.until(until, Failures::isTransient, () -> {
            try {
                return planned.step().run(dryRun);
            } catch (Exception e) {
                if (Failures.isTransient(e) && Instant.now().isBefore(until)) {
                    Log.step(Log.Level.INFO, name, "will retry: " + Log.oneLine(e));
                }
                throw e;
            }
        }));
    }

    private static String took(long startNanos) {
        return String.format(java.util.Locale.ROOT, " (%.2f s)", (System.nanoTime() - startNanos) / 1e9);
    }
}
