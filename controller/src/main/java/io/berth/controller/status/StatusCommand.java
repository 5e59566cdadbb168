package io.berth.controller.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.controller.cli.ConfigOption;
import io.berth.controller.cli.Output;
import io.berth.controller.flip.MoveSettings;
import io.berth.controller.gc.Garbage;
import io.berth.controller.lock.SwarmLock;
import io.berth.controller.pool.Fleet;
import io.berth.controller.pool.PoolView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code berth status}. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {
            "The fleet at a glance: each pool's members, how many are Ready, Active, Paused and Drained, the tasks "
                    + "they run (the pools that carry the load), and every disagreement between the provider, the "
                    + "Swarm and PowerDNS (among them what berth gc would remove: nodes and records of VMs that are "
                    + "gone); then the flip, rollback or pool destroy in progress (who holds "
                    + "berth-lock, since when, at which step) and every service whose move is not finished.",
            "",
            "Usable from monitoring: it exits 1 when something disagrees, or when a move was left unfinished "
                    + "with nobody holding the lock (an interrupted flip: rerun it, or roll back)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:all agree", "1:something disagrees or could not be read: the last line says what",
            "2:bad usage or config"})
public final class StatusCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Mixin
    Output output;

    /** One pool's line. */
    public record Pool(String pool, Integer size, int members, int ready, int active, int paused, int drained,
                       int tasks, boolean carriesLoad, List<String> problems) {

        static Pool of(PoolView view) {
            List<PoolView.Member> m = view.members();
            return new Pool(view.pool(), view.size(), m.size(),
                    (int) m.stream().filter(x -> "ready".equals(x.nodeState())).count(), count(m, "active"),
                    count(m, "pause"), count(m, "drain"), m.stream().mapToInt(PoolView.Member::tasks).sum(),
                    m.stream().anyMatch(PoolView.Member::carriesLoad), view.problems());
        }

        private static int count(List<PoolView.Member> members, String availability) {
            return (int) members.stream().filter(x -> availability.equals(x.availability())).count();
        }
    }

    /** What {@code -o json} prints. {@code lock} is null when nobody holds it. */
    public record Status(List<Pool> pools, SwarmLock.Holder lock, List<String> unfinishedMoves, List<String> garbage,
                         List<String> disagreements) {

        static Status of(List<PoolView> views, Optional<SwarmLock.Holder> lock, List<String> moving, Garbage garbage) {
            List<Pool> pools = views.stream().map(Pool::of).toList();
            List<String> disagreements = new ArrayList<>();
            pools.forEach(p -> p.problems().forEach(problem -> disagreements.add("pool " + p.pool() + ": " + problem)));
            garbage.lines().forEach(g -> disagreements.add(g + ": its VM is gone (berth gc removes it)"));
            if (lock.isEmpty() && !moving.isEmpty()) {
                disagreements.add("a move was left unfinished and nobody holds " + SwarmLock.NAME + ": "
                        + String.join(", ", moving) + ": rerun the flip, or roll back");
            }
            return new Status(pools, lock.orElse(null), moving, garbage.lines(), disagreements);
        }

        String text() {
            io.berth.controller.cli.Table table = new io.berth.controller.cli.Table("POOL", "SIZE", "MEMBERS",
                    "READY", "ACTIVE", "PAUSED", "DRAINED", "TASKS", "LOAD", "PROBLEMS");
            pools.forEach(p -> table.row(p.pool(), p.size(), p.members(), p.ready(), p.active(), p.paused(),
                    p.drained(), p.tasks(), p.carriesLoad() ? "yes" : "-", p.problems().size()));
            StringBuilder out = new StringBuilder(table.toString());
            out.append(lock == null ? "no flip, rollback or pool destroy in progress\n"
                    : "in progress: " + lock.text() + (lock.step().isEmpty() ? ""
                    : ", at step: " + lock.step()) + "\n");
            if (!unfinishedMoves.isEmpty()) {
                out.append("moves not finished: ").append(String.join(", ", unfinishedMoves)).append('\n');
            }
            disagreements.forEach(d -> out.append("disagrees: ").append(d).append('\n'));
            return out.toString();
        }
    }

    @Override
    public Integer call() throws Exception {
        try (Fleet fleet = Fleet.open(config.load())) {
            List<String> moving = new ArrayList<>();
            for (JsonNode s : fleet.managers().call(m -> m.send("GET", "/services", null))) {
                if (s.path("Spec").path("Labels").has(MoveSettings.ORIGINAL_LABEL)) {
                    moving.add(s.path("Spec").path("Name").asText());
                }
            }
            Status status = Status.of(PoolView.readAll(fleet), SwarmLock.holder(fleet.managers()), moving,
                    Garbage.find(fleet));
            output.print(status, status.text());
            if (!status.disagreements().isEmpty()) {
                io.berth.agent.log.Log.error(status.disagreements().size() + " disagreement(s): "
                        + String.join("; ", status.disagreements()));
                return 1;
            }
            return 0;
        }
    }
}
