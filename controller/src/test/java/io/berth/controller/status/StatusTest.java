package io.berth.controller.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.controller.gc.Garbage;
import io.berth.controller.lock.SwarmLock;
import io.berth.controller.pool.PoolView;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusTest {

    private static final Garbage NO_GARBAGE = new Garbage(List.of(), List.of());

    private static PoolView.Member member(String name, String availability, int tasks, String... problems) {
        return new PoolView.Member(name, "vm-" + name, "on", "10.0.0.1", "node-" + name, "ready", availability, tasks,
                "10.0.0.1", List.of(problems));
    }

    private final List<PoolView> views = List.of(
            new PoolView("blue", 2, List.of(member("blue1", "drain", 1), member("blue2", "drain", 0))),
            new PoolView("green", 2, List.of(member("green1", "active", 4), member("green2", "pause", 3))));

    @Test
    void eachPoolIsCountedAndThePoolThatCarriesTheLoadIsNamed() {
        StatusCommand.Status status = StatusCommand.Status.of(views, Optional.empty(), List.of(), NO_GARBAGE);
        assertEquals(List.of(), status.disagreements());
        StatusCommand.Pool green = status.pools().get(1);
        assertEquals(List.of(2, 2, 1, 1, 0, 7), List.of(green.members(), green.ready(), green.active(), green.paused(),
                green.drained(), green.tasks()));
        assertTrue(green.carriesLoad());
        assertEquals(false, status.pools().get(0).carriesLoad(), "drained: its one (global) task is no load");
        assertTrue(status.text().contains("no flip, rollback or pool destroy in progress"), status.text());
    }

    @Test
    void aFlipInProgressShowsItsHolderAndStep() {
        SwarmLock.Holder holder = new SwarmLock.Holder("root@ops1", "4242", "2026-12-02T05:00:00Z",
                "flip blue -> green", "move web, api (2 of 3 services)");
        StatusCommand.Status status = StatusCommand.Status.of(views, Optional.of(holder), List.of("web"), NO_GARBAGE);
        assertEquals(List.of(), status.disagreements(), "a move under a held lock is work in progress");
        assertTrue(status.text().contains("in progress: root@ops1 pid 4242 since 2026-12-02T05:00:00Z "
                + "(flip blue -> green), at step: move web, api (2 of 3 services)"), status.text());
        assertTrue(status.text().contains("moves not finished: web"), status.text());
    }

    @Test
    void disagreementsAndAMoveLeftWithoutAHolderMakeItFail() {
        List<PoolView> broken = List.of(new PoolView("blue", 1, List.of(member("blue1", "active", 0, "no A record"))));
        Garbage garbage = new Garbage(List.of(), List.of(new Garbage.StaleRecord("lab.example.", "blue9.lab.example.",
                "A", "10.0.0.9", "0b5e9a55-6b4c-4f0e-9d1e-3f1c2a7d8e90")));
        StatusCommand.Status status = StatusCommand.Status.of(broken, Optional.empty(), List.of("web"), garbage);
        assertEquals(List.of("pool blue: blue1: no A record",
                "A blue9.lab.example. 10.0.0.9: its VM is gone (berth gc removes it)", "a move was left unfinished and nobody holds "
                + "berth-lock: web: rerun the flip, or roll back"), status.disagreements());
        assertTrue(status.text().contains("disagrees: pool blue: blue1: no A record"), status.text());
    }
}
