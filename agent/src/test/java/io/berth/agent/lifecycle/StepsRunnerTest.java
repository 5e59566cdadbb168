package io.berth.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        Journal journal = Journal.load(stateDir, "boot-1", true);
        List<StepsRunner.Outcome> outcomes = new StepsRunner(journal, false).run(List.of(
                StepsRunner.Planned.of(step("record", true, true)),
                StepsRunner.Planned.of(step("join", true, false)),
                StepsRunner.Planned.of(step("activate", true, false), "record", "join")));

        assertEquals(List.of("record", "join"), ran);
        assertEquals(List.of(StepsRunner.Status.FAILED, StepsRunner.Status.OK, StepsRunner.Status.SKIPPED),
                outcomes.stream().map(StepsRunner.Outcome::status).toList());
        assertEquals("record broke", outcomes.get(0).error());
        assertEquals("skipped: needs record", outcomes.get(2).error());
        assertEquals(List.of("join"), journal.steps(), "only steps done are journaled");
    }

    @Test
    void aDryRunDoesNotCheckStepsAgainstStateAnEarlierStepWouldMake() throws Exception {
        Journal journal = Journal.load(stateDir, "boot-1", false);
        List<StepsRunner.Outcome> outcomes = new StepsRunner(journal, true).run(List.of(
                StepsRunner.Planned.of(step("join", true, false)),
                StepsRunner.Planned.of(step("labels", false, true), "join"),
                StepsRunner.Planned.of(step("other", false, false))));

        assertEquals(List.of("join", "other"), ran);
        assertEquals("would run after join", outcomes.get(1).result().message());
        assertEquals(List.of(), journal.steps(), "a dry run journals nothing");
    }
}
