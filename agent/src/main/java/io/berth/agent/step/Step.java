package io.berth.agent.step;

/**
 * One named, idempotent piece of boot or shutdown: it first checks whether its work is already done
 * (and says so), and only then acts. In dry-run mode it reports what it would change and changes nothing.
 * The agent's Ansible modules expose exactly these steps (dry run = check mode, before/after = diff).
 */
public interface Step {

    /** Short name used in logs, the state and results: {@code record}, {@code join}, {@code drain}, … */
    String name();

    /** Checks, then acts unless {@code dryRun}. Throws when the work could not be done. */
    StepResult run(boolean dryRun) throws Exception;
}
