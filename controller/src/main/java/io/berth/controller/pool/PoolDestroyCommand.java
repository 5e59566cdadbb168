package io.berth.controller.pool;

import io.berth.agent.log.Log;
import io.berth.config.BerthConfig;
import io.berth.controller.cli.ConfigOption;
import io.berth.controller.cli.Output;
import io.berth.controller.cli.Terminal;
import io.berth.controller.cli.UsageException;
import io.berth.controller.lock.SwarmLock;
import io.berth.controller.provider.Vm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth pool destroy NAME}. */
@Command(name = "destroy", mixinStandardHelpOptions = true,
        description = {
            "Destroys a pool: each VM is shut down as a guest (its agent drains its node, waits until its tasks "
                    + "run elsewhere, leaves and deregisters), then destroyed; then whatever is left of it (nodes, "
                    + "records it marked) is removed. A rerun after an interruption finishes the job.",
            "",
            "It refuses while a member is Active and runs tasks (the load is still there: flip it away first), "
                    + "naming them, unless --force. It asks first unless --yes, and without a terminal it needs --yes.",
            "",
            "It holds the Swarm-wide lock berth-lock while it works, as flip and rollback do: it refuses while "
                    + "another berth holds it, naming the holder."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:nothing of the pool is left", "1:refused, not confirmed, or something is left: the last "
                + "line names it", "2:bad usage or config"})
public final class PoolDestroyCommand implements Callable<Integer> {

    /** What one VM's destroy may take once it is off. */
    static final Duration DESTROY = Duration.ofMinutes(2);

    @Mixin
    ConfigOption config;

    @Mixin
    Output output;

    @Parameters(paramLabel = "NAME", description = "The pool.")
    String pool;

    @Option(names = "--force", description = "Destroy even members that are Active and run tasks.")
    boolean force;

    @Option(names = "--yes", description = "Do not ask.")
    boolean yes;

    @Option(names = "--dry-run", description = "Print what would be destroyed; change nothing.")
    boolean dryRun;

    @Option(names = "--break-lock", description = "Take the Swarm-wide lock berth-lock even from a holder that "
            + "still seems to run elsewhere (one on this machine whose process is gone is taken over anyway).")
    boolean breakLock;

    @Option(names = "--shutdown-timeout", paramLabel = "D",
            description = "How long each VM's guest shutdown may take before it is powered off "
                    + "(default: the agent's swarm.drainTimeout and 30 s).")
    String shutdownTimeout;

    public record Report(String pool, boolean dryRun, List<MemberReport> members, List<String> left) {
    }

    public record MemberReport(String name, String vmId, List<String> done, String error) {
    }

    @Override
    public Integer call() throws Exception {
        BerthConfig berth = config.load();
        // The agent's own drain bound decides; the rest is for the agent's start and the engine's stop.
        Duration shutdown = shutdownTimeout != null ? UsageException.duration("--shutdown-timeout", shutdownTimeout)
                : berth.agent().section().swarm().drainTimeout().plusSeconds(30);
        try (Fleet fleet = Fleet.open(berth)) {
            PoolView view = PoolView.read(fleet, pool);
            if (view.members().isEmpty()) {
                output.print(new Report(pool, dryRun, List.of(), List.of()), "pool " + pool + ": nothing to destroy");
                return 0;
            }
            if (refusedBusy(view)) {
                return 1;
            }
            String names = view.members().stream().map(PoolView.Member::name).collect(Collectors.joining(", "));
            if (dryRun) {
                output.print(new Report(pool, true, view.members().stream().map(m -> new MemberReport(m.name(),
                                m.vmId(), List.of("would be shut down and destroyed"), null)).toList(), List.of()),
                        "would destroy pool " + pool + ": " + names);
                return 0;
            }
            if (!Terminal.confirm(yes, "destroy pool " + pool + " (" + names + ")")) {
                Log.error("pool " + pool + " not destroyed: not confirmed");
                return 1;
            }
            // One flip, rollback or destroy at a time: a flip moving load onto this pool must not meet it vanishing.
            SwarmLock lock;
            try {
                lock = SwarmLock.acquire(fleet.managers(), "destroy pool " + pool, breakLock);
            } catch (SwarmLock.HeldException held) {
                Log.error("pool " + pool + " not destroyed: " + held.getMessage());
                return 1;
            }
            try (lock) {
                return destroy(fleet, lock, shutdown);
            }
        }
    }

    /** Under the lock: the pool read again (a flip may have ended meanwhile), then every member destroyed. */
    private int destroy(Fleet fleet, SwarmLock lock, Duration shutdown) throws Exception {
        PoolView view = PoolView.read(fleet, pool);
        if (refusedBusy(view)) {
            return 1;
        }
        lock.step("shut down and destroy " + view.members().size() + " VM(s)");
        Map<String, Vm> vms = PoolView.await(fleet.provider().list(Optional.of(pool)), PoolView.LIST).stream()
                .collect(Collectors.toMap(Vm::name, Function.identity()));
        Map<String, MemberReport> reports = new ConcurrentHashMap<>();
        ExecutorService workers = Executors.newFixedThreadPool(Math.min(VmRunner.PARALLEL, view.members().size()));
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (PoolView.Member m : view.members()) {
                all.add(CompletableFuture.runAsync(() -> reports.put(m.name(),
                        destroy(fleet, m, Optional.ofNullable(vms.get(m.name())), shutdown)), workers));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        } finally {
            workers.shutdownNow();
        }

        PoolView after = PoolView.read(fleet, pool);
        List<String> left = after.members().stream().map(m -> m.name() + " (" + String.join("; ",
                m.problems().isEmpty() ? List.of("still there") : m.problems()) + ")").toList();
        List<MemberReport> ordered = view.members().stream().map(m -> reports.get(m.name())).toList();
        output.print(new Report(pool, false, ordered, left), text(ordered, left));
        if (!left.isEmpty()) {
            Log.error("pool " + pool + " not destroyed: left: " + String.join(", ", left));
            return 1;
        }
        return 0;
    }

    /** Refuses (saying why) when a member carries load, Active and running tasks, unless --force. */
    private boolean refusedBusy(PoolView view) {
        List<String> busy = view.members().stream().filter(PoolView.Member::carriesLoad)
                .map(m -> m.name() + " (" + m.tasks() + " task(s))").toList();
        if (busy.isEmpty() || force) {
            return false;
        }
        Log.error("pool " + pool + " not destroyed: Active and running tasks: " + String.join(", ", busy)
                + ": move the load first (or --force)");
        return true;
    }

    /** One member: guest shutdown if its VM runs, destroy, then its leftovers. A failed step does not stop the next. */
    private static MemberReport destroy(Fleet fleet, PoolView.Member m, Optional<Vm> vm, Duration shutdown) {
        List<String> done = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        if (vm.isPresent()) {
            if (vm.get().state() == Vm.State.ON) {
                try {
                    PoolView.await(fleet.provider().guestShutdown(vm.get(), shutdown), shutdown.plusSeconds(30));
                    done.add("shut down");
                } catch (Exception e) {
                    errors.add("guest shutdown: " + Log.oneLine(e));
                }
            }
            try {
                PoolView.await(fleet.provider().destroy(vm.get()), DESTROY);
                done.add("VM destroyed");
            } catch (Exception e) {
                errors.add("destroy: " + Log.oneLine(e));
            }
        }
        try {
            done.addAll(Leftovers.remove(fleet, m.name(), m.vmId(), Optional.ofNullable(m.address())));
        } catch (Exception e) {
            errors.add("leftovers: " + Log.oneLine(e));
        }
        String error = errors.isEmpty() ? null : String.join("; ", errors);
        if (error != null) {
            Log.warn(m.name() + ": " + error);
        } else {
            Log.info(m.name() + ": " + String.join(", ", done));
        }
        return new MemberReport(m.name(), m.vmId(), done, error);
    }

    private static String text(List<MemberReport> reports, List<String> left) {
        StringBuilder out = new StringBuilder();
        reports.forEach(r -> out.append(r.name()).append(": ").append(String.join(", ", r.done()))
                .append(r.error() == null ? "" : (r.done().isEmpty() ? "" : "; ") + "error: " + r.error()).append('\n'));
        left.forEach(l -> out.append("left: ").append(l).append('\n'));
        return out.toString();
    }
}
