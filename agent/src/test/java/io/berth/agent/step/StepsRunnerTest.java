package io.berth.agent.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.agent.retry.CallBound;
import io.berth.agent.swarm.SwarmException;
import java.time.Duration;
import java.time.Instant;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.berth.agent.state.StateStore;

class StepsRunnerTest {

    @TempDir
    Path stateDir;

    private final List<String> ran = new ArrayList<>();

    private Step step(String name, boolean changes, boolean fails) {
        return new Step() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public StepResult run(boolean dryRun) throws Exception {
                ran.add(name);
                if (fails) {
                    throw new Exception(name + " broke");
                }
                return changes ? StepResult.changed(name + " changed", "a", "b") : StepResult.unchanged(name + " ok", "a");
            }
        };
    }

    @Test
    void aFailedStepSkipsTheStepsThatNeedItButNotTheOthers() throws Exception {
        StateStore journal = StateStore.open(stateDir, "boot-1", true);
        List<StepsRunner.Outcome> outcomes = new StepsRunner(journal, false).run(List.of(
                StepsRunner.Planned.of(step("record", true, true)),
                StepsRunner.Planned.of(step("join", true, false)),
                StepsRunner.Planned.of(step("activate", true, false), "record", "join")));

        assertEquals(List.of("record", "join"), ran);
        assertEquals(List.of(StepsRunner.Status.FAILED, StepsRunner.Status.OK, StepsRunner.Status.SKIPPED),
                outcomes.stream().map(StepsRunner.Outcome::status).toList());
        assertEquals("record broke", outcomes.get(0).error());
        assertEquals("skipped: needs record", outcomes.get(2).error());
        assertEquals(List.of("join"), journal.get().stepsDone(), "only steps done are journaled");
    }

    @Test
    void aDryRunDoesNotCheckStepsAgainstStateAnEarlierStepWouldMake() throws Exception {
        StateStore journal = StateStore.open(stateDir, "boot-1", false);
        List<StepsRunner.Outcome> outcomes = new StepsRunner(journal, true).run(List.of(
                StepsRunner.Planned.of(step("join", true, false)),
                StepsRunner.Planned.of(step("labels", false, true), "join"),
                StepsRunner.Planned.of(step("other", false, false))));

        assertEquals(List.of("join", "other"), ran);
        assertEquals("would run after join", outcomes.get(1).result().message());
        assertEquals(List.of(), journal.get().stepsDone(), "a dry run journals nothing");
    }

    /** A step that fails with {@code failure} the first {@code failures} times, then succeeds. */
    private Step flaky(String name, int failures, Exception failure) {
        return new Step() {
            int calls;

            @Override
            public String name() {
                return name;
            }

            @Override
            public StepResult run(boolean dryRun) throws Exception {
                ran.add(name);
                if (calls++ < failures) {
                    throw failure;
                }
                return StepResult.changed(name + " done", "a", "b");
            }
        };
    }

    @Test
    void aStepWithAWindowIsRetriedAfterATransientFailureUntilItSucceeds() throws Exception {
        StateStore journal = StateStore.open(stateDir, "boot-1", true);
        Exception blip = new SwarmException("manager tcp://m1:2375 did not answer: Connection refused", true);
        List<StepsRunner.Outcome> outcomes = new StepsRunner(journal, false).run(List.of(
                StepsRunner.Planned.of(flaky("drain", 3, blip)).within(Instant.now().plusSeconds(20))));

        assertEquals(List.of("drain", "drain", "drain", "drain"), ran);
        assertEquals(StepsRunner.Status.OK, outcomes.get(0).status());
    }

    @Test
    void aFinalFailureIsNotRetriedAndAStepWithoutAWindowRunsOnce() throws Exception {
        StateStore journal = StateStore.open(stateDir, "boot-1", true);
        List<StepsRunner.Outcome> outcomes = new StepsRunner(journal, false).run(List.of(
                StepsRunner.Planned.of(flaky("labels", 1, new SwarmException("rejected", false)))
                        .within(Instant.now().plusSeconds(20)),
                StepsRunner.Planned.of(flaky("join", 1, new SwarmException("blip", true)))));

        assertEquals(List.of("labels", "join"), ran);
        assertEquals(List.of(StepsRunner.Status.FAILED, StepsRunner.Status.FAILED),
                outcomes.stream().map(StepsRunner.Outcome::status).toList());
    }

    @Test
    void retriesEndWithTheWindowAndCallsInsideAreBoundedByIt() throws Exception {
        StateStore journal = StateStore.open(stateDir, "boot-1", true);
        List<Duration> bounds = new ArrayList<>();
        Step bounded = new Step() {
            @Override
            public String name() {
                return "remove";
            }

            @Override
            public StepResult run(boolean dryRun) throws Exception {
                bounds.add(CallBound.left(Duration.ofMinutes(1)));
                throw new SwarmException("no manager answered", true);
            }
        };
        long start = System.nanoTime();
        List<StepsRunner.Outcome> outcomes = new StepsRunner(journal, false).run(List.of(
                StepsRunner.Planned.of(bounded).within(Instant.now().plusMillis(1500))));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(StepsRunner.Status.FAILED, outcomes.get(0).status());
        assertTrue(bounds.size() >= 2, "retried: " + bounds.size());
        assertTrue(millis < 2500, "the window is 1.5 s; took " + millis + " ms");
        assertTrue(bounds.stream().allMatch(b -> b.compareTo(Duration.ofMillis(1500)) <= 0),
                "each call is bounded by the window, not by its own minute: " + bounds);
        assertTrue(CallBound.left(Duration.ofMinutes(1)).toSeconds() >= 59, "the window ends with the step");
    }
}
