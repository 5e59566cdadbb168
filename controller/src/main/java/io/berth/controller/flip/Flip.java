package io.berth.controller.flip;

import io.berth.agent.log.Log;
import io.berth.agent.step.StepResult;
import io.berth.config.BerthConfig;
import io.berth.config.Durations;
import io.berth.controller.cli.Terminal;
import io.berth.controller.cli.UsageException;
import io.berth.controller.lock.SwarmLock;
import io.berth.controller.pool.Fleet;
import io.berth.controller.pool.PoolView;
import io.berth.controller.pool.Progress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * A flip of the load from one pool to another (a rollback is one in reverse): preflight, the plan, then, holding
 * the Swarm's lock, activate {@code to}, pause {@code from}, move each affected service start-first, drain
 * {@code from}. Each step reads the Swarm first and skips what is done, so a rerun after a kill continues.
 */
final class Flip {

    /** What the command prints on stdout ({@code -o json}). */
    record Report(String command, String from, String to, boolean dryRun, List<Plan.Move> plan,
                  List<String> refusals, List<Moved> moved, List<String> done, String error) {
    }

    /** One service's move: how long it took, and why it failed (null when it did not). */
    record Moved(String service, double seconds, String result, String error) {
    }

    private final String command;
    private final String from;
    private final String to;
    private final FlipOptions options;
    private final Duration timeout;

    Flip(String command, String from, String to, FlipOptions options) {
        this.command = command;
        this.from = from;
        this.to = to;
        this.options = options;
        if (from.equals(to)) {
            throw new UsageException("--from and --to are both " + from);
        }
        if (options.batch < 1) {
            throw new UsageException("--batch: at least 1, got " + options.batch);
        }
        this.timeout = UsageException.duration("--timeout", options.timeout);
    }

    String title() {
        return command + " " + from + " -> " + to;
    }

    int run(BerthConfig config, Fleet fleet) throws Exception {
        BerthConfig.Pool target = config.pool(to).orElseThrow(() ->
                new UsageException("--to: pool " + to + " is not in " + options.config.path()));
        Swarm swarm = new Swarm(fleet.managers());
        List<String> refusals = new ArrayList<>();
        Swarm.Snapshot snapshot = swarm.snapshot();
        refusals.addAll(Plan.managerProblems(snapshot.nodes()));
        refusals.addAll(targetProblems(PoolView.read(fleet, to), target.size()));
        if (snapshot.pool(from).isEmpty()) {
            refusals.add("pool " + from + " has no Swarm node");
        }
        Plan plan = Plan.build(snapshot, from, to);
        refusals.addAll(plan.refusals());
        if (!options.output.json()) {
            System.out.print(title() + (options.dryRun ? " (dry run)" : "") + ", " + options.batch
                    + " service(s) at a time, each within " + Durations.format(timeout) + ":\n" + plan.text());
            System.out.flush();
        }
        if (!refusals.isEmpty()) {
            refusals.forEach(r -> Log.error(r));
            return finish(plan, refusals, List.of(), List.of(),
                    title() + " refused, nothing changed: " + String.join("; ", refusals));
        }
        if (options.dryRun) {
            return finish(plan, refusals, List.of(), List.of(), null);
        }
        if (!Terminal.confirm(options.yes, title())) {
            return finish(plan, refusals, List.of(), List.of(), title() + " not done: not confirmed");
        }
        long start = System.nanoTime();
        SwarmLock lock;
        try {
            lock = SwarmLock.acquire(swarm.managers, title(), options.breakLock);
        } catch (SwarmLock.HeldException held) {
            return finish(plan, refusals, List.of(), List.of(), title() + " refused: " + held.getMessage());
        }
        List<String> done = new ArrayList<>();
        List<Moved> moved = new ArrayList<>();
        try {
            done.add(step(lock, new AvailabilityStep(swarm, to, "active")));
            done.add(step(lock, new AvailabilityStep(swarm, from, "pause")));
            // Read again under the lock, the old pool paused: what is on it now is what moves.
            Swarm.Snapshot paused = swarm.snapshot();
            Plan now = Plan.build(paused, from, to);
            if (!now.refusals().isEmpty()) {
                return finish(now, now.refusals(), moved, done, title() + " not done: " + String.join("; ",
                        now.refusals()));
            }
            Set<String> fromIds = paused.pool(from).stream().map(Node::id).collect(Collectors.toSet());
            String failed = move(swarm, lock, now.moves(), fromIds, moved);
            if (failed != null) {
                return finish(now, List.of(), moved, done, title() + " not done: " + failed);
            }
            done.add(step(lock, new DrainStep(swarm, from, to, timeout)));
            Log.info(String.format(java.util.Locale.ROOT, "%s done in %.1f s: %d service(s) moved, %s drained",
                    title(), (System.nanoTime() - start) / 1e9, moved.size(), from));
            return finish(now, List.of(), moved, done, null);
        } catch (Exception e) {
            return finish(plan, List.of(), moved, done, title() + " not done: " + Log.oneLine(e));
        } finally {
            lock.close();
        }
    }

    /**
     * Moves the services, {@code --batch} at a time; a batch with a failure is the last. Returns what failed, or
     * null.
     */
    private String move(Swarm swarm, SwarmLock lock, List<Plan.Move> moves, Set<String> fromIds, List<Moved> moved)
            throws InterruptedException {
        ExecutorService workers = Executors.newFixedThreadPool(options.batch);
        // A line per service in a terminal, redrawn as its move goes; log lines otherwise.
        Progress progress = Progress.forStderr(moves.stream().map(Plan.Move::service).toList());
        try {
            for (int i = 0; i < moves.size(); i += options.batch) {
                List<Plan.Move> batch = moves.subList(i, Math.min(moves.size(), i + options.batch));
                lock.step("move " + batch.stream().map(Plan.Move::service).collect(Collectors.joining(", "))
                        + " (" + (i + batch.size()) + " of " + moves.size() + " services)");
                List<Future<Moved>> running = new ArrayList<>();
                for (Plan.Move m : batch) {
                    running.add(workers.submit(() -> moveOne(swarm, m, fromIds, progress)));
                }
                List<String> failures = new ArrayList<>();
                for (Future<Moved> f : running) {
                    Moved one;
                    try {
                        one = f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        one = new Moved("?", 0, null, Log.oneLine(e.getCause()));
                    }
                    moved.add(one);
                    if (one.error() != null) {
                        failures.add("service " + one.service() + ": " + one.error());
                    }
                }
                if (!failures.isEmpty()) {
                    List<String> notBegun = moves.subList(Math.min(moves.size(), i + options.batch), moves.size())
                            .stream().map(Plan.Move::service).toList();
                    return String.join("; ", failures) + (notBegun.isEmpty() ? "" : "; not begun: "
                            + String.join(", ", notBegun));
                }
            }
            return null;
        } finally {
            workers.shutdownNow();
        }
    }

    private Moved moveOne(Swarm swarm, Plan.Move m, Set<String> fromIds, Progress progress) {
        long start = System.nanoTime();
        try {
            StepResult result = new MoveStep(swarm, m.serviceId(), m.service(), fromIds, timeout,
                    at -> progress.step(m.service(), "move", at, start)).run(false);
            progress.step(m.service(), "done", result.message(), start);
            return new Moved(m.service(), (System.nanoTime() - start) / 1e9, result.message(), null);
        } catch (Exception e) {
            progress.failed(m.service(), "move", Log.oneLine(e), start);
            return new Moved(m.service(), (System.nanoTime() - start) / 1e9, null, Log.oneLine(e));
        }
    }

    private static String step(SwarmLock lock, io.berth.agent.step.Step step) throws Exception {
        lock.step(step.name());
        StepResult result = step.run(false);
        Log.info(step.name() + ": " + (result.changed() ? "" : "ok: ") + result.message());
        return step.name() + ": " + result.message();
    }

    /** {@code to} at its full size, every member joined, Ready and its record resolving (Active or not yet). */
    static List<String> targetProblems(PoolView view, int size) {
        List<String> out = new ArrayList<>();
        if (view.members().size() < size) {
            out.add("pool " + view.pool() + " has " + view.members().size() + " of its " + size
                    + " members: berth pool create " + view.pool());
        }
        for (PoolView.Member m : view.members()) {
            if (!m.problems().isEmpty() || !"ready".equals(m.nodeState())) {
                out.add(m.name() + " is not ready: " + (m.problems().isEmpty() ? "node " + m.nodeState()
                        : String.join("; ", m.problems())));
            }
        }
        return out;
    }

    private int finish(Plan plan, List<String> refusals, List<Moved> moved, List<String> done, String error) {
        if (options.output.json()) {
            options.output.print(new Report(command, from, to, options.dryRun, plan.moves(), refusals, moved, done,
                    error), "");
        } else if (!moved.isEmpty() || !done.isEmpty()) {
            StringBuilder text = new StringBuilder();
            done.forEach(d -> text.append(d).append('\n'));
            moved.forEach(m -> text.append(String.format(java.util.Locale.ROOT, "%s: %s (%.1f s)%n", m.service(),
                    m.error() == null ? m.result() : "not done: " + m.error(), m.seconds())));
            options.output.print(null, text.toString());
        }
        if (error != null) {
            Log.error(error);
            return 1;
        }
        return 0;
    }
}
