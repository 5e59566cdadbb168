package io.berth.controller.gc;

import com.github.dockerjava.api.exception.NotFoundException;
import io.berth.agent.dns.Mark;
import io.berth.agent.dns.RRset;
import io.berth.agent.dns.RRsetChange;
import io.berth.agent.log.Log;
import io.berth.controller.cli.ConfigOption;
import io.berth.controller.cli.Output;
import io.berth.controller.cli.Terminal;
import io.berth.controller.pool.Fleet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code berth gc}. */
@Command(name = "gc", mixinStandardHelpOptions = true,
        description = {
            "Removes what VMs that are gone left behind: their Down Swarm nodes (forced: a VM that is gone never "
                    + "leaves) and their A and PTR records. A VM deleted behind berth's back, or one that died before "
                    + "its agent could deregister, leaves both.",
            "",
            "Matched by the agent's identity only (node label berth.identity, the berth mark in the record's "
                    + "comment) against the provider's VM ids, never by hostname or address. It never touches a node "
                    + "or record whose VM exists, a node that is not Down, anything an agent on a Ready node still "
                    + "owns, or anything without Berth's marks (the managers, the zone's other records). Each record "
                    + "is read again just before it is deleted and kept if its mark changed.",
            "",
            "It reads the whole zone and reverse zone (one GET each). It asks first unless --yes; without a "
                    + "terminal it needs --yes. A second run finds nothing."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:nothing is left to collect (or --dry-run listed it)",
            "1:not confirmed, or something could not be removed or read: the last line names it",
            "2:bad usage or config"})
public final class GcCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Mixin
    Output output;

    @Option(names = "--dry-run", description = "List what would be removed; change nothing.")
    boolean dryRun;

    @Option(names = "--yes", description = "Do not ask.")
    boolean yes;

    /** What {@code -o json} prints: what was found, what was removed, and what is left after a second look. */
    public record Report(boolean dryRun, Garbage found, List<String> removed, List<String> left) {
    }

    @Override
    public Integer call() throws Exception {
        try (Fleet fleet = Fleet.open(config.load())) {
            Garbage found = Garbage.find(fleet);
            if (found.isEmpty() || dryRun) {
                output.print(new Report(dryRun, found, List.of(), List.of()), found.isEmpty() ? "nothing to collect\n"
                        : lines("would remove: ", found.lines()));
                return 0;
            }
            if (!Terminal.confirm(yes, "remove " + String.join(", ", found.lines()))) {
                Log.error("nothing removed: not confirmed");
                return 1;
            }
            List<String> removed = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            for (Garbage.StaleNode node : found.nodes()) {
                try {
                    fleet.managers().removeNode(node.id(), true);
                    removed.add(node.text());
                } catch (NotFoundException gone) {
                    // Removed meanwhile (a pool destroy, another gc): what we wanted.
                } catch (Exception e) {
                    errors.add(node.text() + ": " + Log.oneLine(e));
                }
            }
            removeRecords(fleet, found.records(), removed, errors);
            removed.forEach(r -> Log.info("removed " + r));

            List<String> left = Garbage.find(fleet).lines();
            output.print(new Report(false, found, removed, left), lines("removed: ", removed) + lines("left: ", left));
            if (!errors.isEmpty() || !left.isEmpty()) {
                Log.error("gc not finished: " + String.join("; ", errors.isEmpty() ? left : errors));
                return 1;
            }
            return 0;
        }
    }

    /**
     * Each record read again (a VM made meanwhile may have taken its name with its own mark) and deleted only if it
     * still carries the gone identity's mark; one PATCH per zone.
     */
    private static void removeRecords(Fleet fleet, List<Garbage.StaleRecord> records, List<String> removed,
                                      List<String> errors) throws InterruptedException {
        Map<String, List<RRsetChange>> patches = new LinkedHashMap<>();
        Map<String, List<String>> texts = new LinkedHashMap<>();
        for (Garbage.StaleRecord r : records) {
            try {
                Optional<RRset> now = fleet.dns().get(r.zone(), r.name(), r.type());
                if (now.isPresent() && Mark.identityOf(now.get().comment()).filter(r.identity()::equals).isPresent()) {
                    patches.computeIfAbsent(r.zone(), z -> new ArrayList<>()).add(RRsetChange.delete(r.name(), r.type()));
                    texts.computeIfAbsent(r.zone(), z -> new ArrayList<>()).add(r.text());
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                errors.add(r.text() + ": " + Log.oneLine(e));
            }
        }
        for (Map.Entry<String, List<RRsetChange>> patch : patches.entrySet()) {
            try {
                fleet.dns().patch(patch.getKey(), patch.getValue());
                removed.addAll(texts.get(patch.getKey()));
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                errors.add("zone " + patch.getKey() + ": " + Log.oneLine(e));
            }
        }
    }

    private static String lines(String prefix, List<String> items) {
        StringBuilder out = new StringBuilder();
        items.forEach(i -> out.append(prefix).append(i).append('\n'));
        return out.toString();
    }
}
