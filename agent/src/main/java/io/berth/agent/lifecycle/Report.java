package io.berth.agent.lifecycle;

import io.berth.agent.step.StepsRunner;
import io.berth.agent.log.Log;
import java.util.List;

/** The last line of boot or shutdown, and its exit code. */
final class Report {

    private Report() {
    }

    /** 0 when every step succeeded (the action is then recorded complete), else 1 naming what was not done. */
    static int exitCode(String action, List<StepsRunner.Outcome> outcomes, Session session, boolean dryRun) {
        List<String> failed = outcomes.stream()
                .filter(o -> o.status() != StepsRunner.Status.OK)
                .map(o -> o.step() + " (" + o.error() + ")")
                .toList();
        long changed = outcomes.stream().filter(StepsRunner.Outcome::changed).count();
        if (!failed.isEmpty()) {
            Log.error(action + " incomplete: not done: " + String.join("; ", failed) + " [" + session.calls() + "]");
            return 1;
        }
        if (!dryRun) {
            session.state().update(s -> s.completed());
        }
        Log.info(action + (dryRun ? " dry run: " + changed + " step(s) would change"
                : changed == 0 ? ": nothing to do, already done" : " done: " + changed + " step(s) changed")
                + " [" + session.calls() + "]");
        return 0;
    }
}
