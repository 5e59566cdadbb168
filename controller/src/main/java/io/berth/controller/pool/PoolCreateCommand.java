package io.berth.controller.pool;

import io.berth.agent.log.Log;
import io.berth.agent.step.Step;
import io.berth.config.BerthConfig;
import io.berth.controller.cli.ConfigOption;
import io.berth.controller.cli.Output;
import io.berth.controller.cli.UsageException;
import io.berth.controller.provider.Vm;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth pool create NAME}. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = {
            "Fills the pool up to its size: creates the missing VMs side by side (each with its agent's "
                    + "configuration and secrets, and its id as the agent's identity), powers them on, and waits "
                    + "until each node has joined the Swarm, its A record points at it and its agent has activated "
                    + "it. Its agent does the joining; berth watches.",
            "",
            "A VM that fails is destroyed (with its node and records) and reported; the others stay. A rerun "
                    + "fills the pool up, finishes VMs an interrupted run left half made, powers on those that "
                    + "are off, and changes nothing when the pool is full and ready."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the pool is full and every member reached --wait",
            "1:a VM failed: the last line names each one and why", "2:bad usage or config"})
public final class PoolCreateCommand implements Callable<Integer> {

    /** How old a read of the pool may be to serve another VM's wait (the waits poll every 0.5 to 2 s). */
    static final Duration SHARED_READ = Duration.ofMillis(400);

    /** How far {@code --wait} goes. */
    enum Wait { VM, NODE, READY }

    @Mixin
    ConfigOption config;

    @Mixin
    Output output;

    @Parameters(paramLabel = "NAME", description = "The pool, as berth.yml declares it.")
    String pool;

    @Option(names = "--size", paramLabel = "N", description = "How many VMs the pool has (default: its size in berth.yml).")
    Integer size;

    @Option(names = "--wait", paramLabel = "WHAT", defaultValue = "ready", converter = WaitConverter.class,
            description = "vm (powered on, with an address), node (joined the Swarm) or ready "
                    + "(joined, recorded, activated; the default).")
    Wait wait;

    @Option(names = "--timeout", paramLabel = "D", defaultValue = "10m",
            description = "How long to wait for all of it (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--dry-run", description = "Print what would be done; change nothing.")
    boolean dryRun;

    /** What the command did, VM by VM. */
    public record Report(String pool, int size, boolean dryRun, List<VmReport> vms, List<String> notes) {
    }

    public record VmReport(String name, String id, String result, String step, String message, String error,
                           List<String> changes, List<String> cleanedUp) {
    }

    @Override
    public Integer call() throws Exception {
        BerthConfig berth = config.load();
        BerthConfig.Pool declared = berth.pool(pool).orElseThrow(() -> new UsageException("pool " + pool
                + ": not declared in " + config.path() + " (pools: "
                + berth.pools().stream().map(BerthConfig.Pool::name).collect(Collectors.joining(", ")) + ")"));
        int wanted = size != null ? size : declared.size();
        if (wanted < 1 || wanted > 99) {
            throw new UsageException("--size: must be 1 to 99, got " + wanted);
        }
        Duration within = UsageException.duration("--timeout", timeout);
        Instant until = Instant.now().plus(within);
        try (Fleet fleet = Fleet.open(berth)) {
            List<Vm> existing = PoolView.await(fleet.provider().list(Optional.of(pool)), PoolView.LIST);
            List<String> notes = new ArrayList<>();
            if (existing.size() > wanted) {
                notes.add("the pool has " + existing.size() + " VMs, more than " + wanted + ": none removed");
            }
            Map<String, VmWork> work = new LinkedHashMap<>();
            existing.forEach(vm -> work.put(vm.name(), new VmWork(vm.name(), vm.id(), vm)));
            for (int i = 1; work.size() < wanted; i++) {
                String name = pool + i;
                if (!work.containsKey(name)) {
                    work.put(name, new VmWork(name, UUID.randomUUID().toString(), null));
                }
            }
            Map<String, List<Step>> plans = new LinkedHashMap<>();
            SharedRead reads = new SharedRead(fleet, pool, SHARED_READ);
            work.values().forEach(w -> plans.put(w.name, plan(fleet, declared, w, reads, until)));
            Log.info("pool " + pool + ": " + wanted + " VM(s) on " + fleet.provider().describe()
                    + (dryRun ? " (dry run)" : ""));
            List<VmRunner.Outcome> outcomes = VmRunner.run(plans, dryRun, Progress.forStderr(plans.keySet()));

            List<VmReport> reports = new ArrayList<>();
            List<Vm> recorded = outcomes.stream().anyMatch(o -> !o.ok() && work.get(o.vm()).vm == null) && !dryRun
                    ? PoolView.await(fleet.provider().list(Optional.of(pool)), PoolView.LIST) : List.of();
            for (VmRunner.Outcome o : outcomes) {
                VmWork w = work.get(o.vm());
                if (w.vm == null) {
                    // A clone that failed half way may be recorded already: it is ours (same id), so it goes too.
                    recorded.stream().filter(vm -> vm.name().equals(w.name) && vm.id().equals(w.id)).findFirst()
                            .ifPresent(vm -> w.vm = vm);
                }
                List<String> cleaned = List.of();
                String result = o.ok() ? (dryRun ? "planned" : "ok") : "failed";
                if (!o.ok() && !dryRun && w.vm != null) {
                    cleaned = destroyFailed(fleet, w);
                    result = cleaned.stream().anyMatch(c -> c.startsWith("cleanup failed")) ? "failed" : "destroyed";
                }
                reports.add(new VmReport(o.vm(), w.id, result, o.lastStep(), o.lastMessage(), o.error(), o.changes(),
                        cleaned));
            }
            Report report = new Report(pool, wanted, dryRun, reports, notes);
            output.print(report, text(report));
            List<String> failed = reports.stream().filter(r -> r.error() != null)
                    .map(r -> r.name() + " (" + r.error() + ")").toList();
            if (!failed.isEmpty()) {
                Log.error("pool " + pool + " not complete: " + String.join("; ", failed));
                return 1;
            }
            return 0;
        }
    }

    private List<Step> plan(Fleet fleet, BerthConfig.Pool declared, VmWork w, SharedRead reads, Instant until) {
        List<Step> steps = new ArrayList<>(List.of(new CreateVmStep(fleet, declared, w), new PowerOnStep(fleet, w),
                new AddressStep(fleet, w)));
        if (wait != Wait.VM) {
            steps.add(MemberWaitStep.joined(reads, w, until));
        }
        if (wait == Wait.READY) {
            steps.add(MemberWaitStep.ready(reads, w, until));
        }
        return steps;
    }

    /** A failed VM goes, and what it left with it; a failure here is reported, not thrown. */
    private static List<String> destroyFailed(Fleet fleet, VmWork w) {
        List<String> done = new ArrayList<>();
        try {
            PoolView.await(fleet.provider().destroy(w.vm), PoolDestroyCommand.DESTROY);
            done.add("VM destroyed");
            done.addAll(Leftovers.remove(fleet, w.name, w.id, Optional.ofNullable(w.address)));
        } catch (Exception e) {
            done.add("cleanup failed: " + Log.oneLine(e));
            Log.error(w.name + ": cleanup failed: " + Log.oneLine(e));
        }
        return done;
    }

    private static String text(Report report) {
        StringBuilder out = new StringBuilder();
        for (VmReport vm : report.vms()) {
            out.append(vm.name()).append(": ").append(vm.result());
            if (vm.error() != null) {
                out.append(": ").append(vm.error());
            } else if (vm.message() != null) {
                out.append(" (").append(vm.step()).append(": ").append(vm.message()).append(')');
            }
            if (!vm.cleanedUp().isEmpty()) {
                out.append("; ").append(String.join(", ", vm.cleanedUp()));
            }
            out.append('\n');
        }
        report.notes().forEach(n -> out.append("note: ").append(n).append('\n'));
        return out.toString();
    }

    static final class WaitConverter implements picocli.CommandLine.ITypeConverter<Wait> {
        @Override
        public Wait convert(String value) {
            try {
                return Wait.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("expected vm, node or ready, got '" + value + "'");
            }
        }
    }
}
