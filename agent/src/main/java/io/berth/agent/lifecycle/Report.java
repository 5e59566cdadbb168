package io.berth.agent.lifecycle;

import io.berth.agent.step.StepsRunner;
import io.berth.agent.log.Log;
import java.util.List;

/** The last line of boot or shutdown, and its exit code. */
final class Report {

    private Report() {
    }

    /** 0 when every step succeeded, else 1 naming what was not done (or why the action was refused). */
    static int exitCode(HostActions.Done done, boolean dryRun) {
        String action = done.action();
        if (done.refused().isPresent()) {
            Log.error(done.refused().get());
            return 1;
        }
        List<String> failed = done.outcomes().stream()
                .filter(o -> o.status() != StepsRunner.Status.OK)
                .map(o -> o.step() + " (" + o.error() + ")")
                .toList();
        long changed = done.outcomes().stream().filter(StepsRunner.Outcome::changed).count();
        if (!failed.isEmpty()) {
            Log.error(action + " incomplete: not done: " + String.join("; ", failed) + " [" + done.calls() + "]");
            return 1;
        }
        Log.info(action + (dryRun ? " dry run: " + changed + " step(s) would change"
                : changed == 0 ? ": nothing to do, already done" : " done: " + changed + " step(s) changed")
                + " [" + done.calls() + "]");
        return 0;
    }
}
