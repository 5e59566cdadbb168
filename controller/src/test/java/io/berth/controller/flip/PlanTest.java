package io.berth.controller.flip;

import static io.berth.controller.flip.Fixtures.global;
import static io.berth.controller.flip.Fixtures.node;
import static io.berth.controller.flip.Fixtures.replicated;
import static io.berth.controller.flip.Fixtures.running;
import static io.berth.controller.flip.Fixtures.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanTest {

    private final List<Node> nodes = List.of(node("m1", null, "manager", "active"),
            node("b1", "blue", "worker", "pause"), node("b2", "blue", "worker", "active"),
            node("g1", "green", "worker", "active"), node("g2", "green", "worker", "active"),
            node("o1", "other", "worker", "active"), node("o2", "other", "worker", "drain"));

    private Plan plan(List<Service> services, List<Task> tasks) {
        return Plan.build(new Swarm.Snapshot(nodes, services, tasks), "blue", "green");
    }

    @Test
    void servicesOnTheOldPoolMoveAndTheOthersAreNotTouched() {
        Plan plan = plan(List.of(replicated("web", 3, List.of("node.role==worker"), ""),
                        replicated("elsewhere", 1, List.of(), ""), global("agent")),
                List.of(running("web", "b1"), running("web", "b1"), task("web", "b2", "running", "starting"),
                        task("web", "b2", "shutdown", "complete"), running("elsewhere", "g1"),
                        running("agent", "b1"), running("agent", "g1")));
        assertEquals(List.of(), plan.refusals());
        assertEquals(1, plan.moves().size(), plan.moves().toString());
        Plan.Move web = plan.moves().get(0);
        assertEquals("web", web.service());
        assertEquals(Map.of("b1-host", 2, "b2-host", 1), web.tasksOnFrom());
        assertEquals(List.of("g1-host", "g2-host"), web.toNodes());
        assertEquals(List.of("o1-host"), web.otherNodes(), "Active nodes outside both pools; not drained ones");
        assertTrue(plan.text().contains("outside both pools on o1-host"), plan.text());
    }

    @Test
    void theManagerTakesTasksTooUnlessConstrainedAway() {
        Plan plan = plan(List.of(replicated("web", 2, List.of("node.labels.berth.pool!=none"), "")),
                List.of(running("web", "b1"), running("web", "b2")));
        assertEquals(List.of("m1-host", "o1-host"), plan.moves().get(0).otherNodes());
    }

    @Test
    void aServicePinnedToTheOldPoolIsRefusedNamingItAndTheConstraint() {
        Plan plan = plan(List.of(replicated("pinned", 2, List.of("node.role==worker",
                "node.labels.berth.pool==blue"), "")), List.of(running("pinned", "b1")));
        assertEquals(List.of("service pinned: no green node meets its constraint node.labels.berth.pool==blue"),
                plan.refusals());
        Plan byHost = plan(List.of(replicated("byhost", 1, List.of("node.hostname==b1-host"), "")),
                List.of(running("byhost", "b1")));
        assertTrue(byHost.refusals().get(0).startsWith("service byhost: no green node"), byHost.refusals().toString());
    }

    @Test
    void constraintsNoNodeMeetsTogetherAreNamedTogether() {
        Plan plan = plan(List.of(replicated("odd", 1, List.of("node.id==g1", "node.id==g2"), "")),
                List.of(running("odd", "b1")));
        assertEquals(List.of("service odd: no green node meets its constraints node.id==g1, node.id==g2 (together)"),
                plan.refusals());
    }

    @Test
    void maxReplicasPerNodeOnTooFewNewNodesIsRefused() {
        Plan plan = plan(List.of(replicated("spread", 5, List.of(), "'TaskTemplate': {'Placement': {'MaxReplicas': "
                + "2}}")), List.of(running("spread", "b1")));
        assertEquals(List.of("service spread: max_replicas_per_node 2 x 2 green node(s) < 5 replicas"),
                plan.refusals());
        Plan fits = plan(List.of(replicated("spread", 4, List.of(), "'TaskTemplate': {'Placement': {'MaxReplicas': "
                + "2}}")), List.of(running("spread", "b1")));
        assertEquals(List.of(), fits.refusals());
    }

    @Test
    void hostModePortsAreRefusedIngressOnesAreNot() {
        Plan plan = plan(List.of(replicated("edge", 2, List.of(), "'EndpointSpec': {'Ports': [{'PublishedPort': 80, "
                + "'TargetPort': 80, 'PublishMode': 'host'}, {'PublishedPort': 81, 'PublishMode': 'ingress'}]}")),
                List.of(running("edge", "b2")));
        assertEquals(List.of("service edge: publishes port 80 in host mode: a start-first move cannot bind it twice"),
                plan.refusals());
    }

    @Test
    void reservationsBeyondTheUnreservedRoomOfTheNodesTheyMayLandOnAreRefused() {
        // Each node has 2 CPU, 4 GiB. A hog on green holds 1.5 CPU of g1 and of g2: 0.5 CPU left on each.
        Room cpu = new Room(1_000_000_000L, 0);
        Service web = Fixtures.reserving(replicated("web", 2, List.of("node.role==worker",
                "node.labels.berth.pool!=other"), ""), cpu);
        Service hog = Fixtures.reserving(replicated("hog", 2, List.of("node.labels.berth.pool==green"), ""),
                new Room(1_500_000_000L, 0));
        List<Task> tasks = List.of(Fixtures.reserving(running("web", "b1"), cpu),
                Fixtures.reserving(running("web", "b2"), cpu),
                Fixtures.reserving(running("hog", "g1"), new Room(1_500_000_000L, 0)),
                Fixtures.reserving(running("hog", "g2"), new Room(1_500_000_000L, 0)));
        Plan refused = plan(List.of(web, hog), tasks);
        assertEquals(List.of("service web: reserves 1 CPU a task; 2 must fit (2 to move) but the unreserved room of "
                + "2 node(s) it may land on (green's and others) holds 0"), refused.refusals());

        // Without the hog both fit, one a node; the aggregate holds too.
        assertEquals(List.of(), plan(List.of(web), tasks.subList(0, 2)).refusals());

        // One of web's tasks already on green is replaced too, start-first: its replacement needs room first.
        List<Task> split = List.of(Fixtures.reserving(running("web", "b1"), cpu),
                Fixtures.reserving(running("web", "g1"), new Room(1_000_000_000L, 0)),
                Fixtures.reserving(running("hog", "g2"), new Room(1_500_000_000L, 0)));
        Plan overlap = plan(List.of(web, hog), split);
        assertEquals(List.of("service web: reserves 1 CPU a task; 2 must fit (1 to move, 1 start-first overlap) but "
                + "the unreserved room of 2 node(s) it may land on (green's and others) holds 1"), overlap.refusals());

        // Memory counts the same way; a service reserving nothing fits anywhere.
        Service big = Fixtures.reserving(replicated("big", 1, List.of("node.role==worker"), ""),
                new Room(0, 3L << 30));
        Plan memory = plan(List.of(big), List.of(Fixtures.reserving(running("big", "b1"), new Room(0, 3L << 30)),
                Fixtures.reserving(running("big", "g1"), new Room(0, 3L << 30)),
                Fixtures.reserving(running("big", "g2"), new Room(0, 3L << 30)),
                Fixtures.reserving(running("big", "o1"), new Room(0, 3L << 30))));
        assertEquals(1, memory.refusals().size(), memory.refusals().toString());
        assertTrue(memory.refusals().get(0).startsWith("service big: reserves 3 GiB a task"), memory.refusals().get(0));
    }

    @Test
    void servicesThatFitOneByOneButNotTogetherAreRefusedInAll() {
        Room cpu = new Room(1_000_000_000L, 0);
        List<Service> services = new ArrayList<>();
        List<Task> tasks = new ArrayList<>();
        // Green (2 nodes, 4 CPU) and o1 (2 CPU): 6 CPU. Three services of 2 tasks and 1 CPU each fit one by one
        // (6 CPU), four do not fit together (8 CPU).
        for (String name : List.of("a", "b", "c", "d")) {
            services.add(Fixtures.reserving(replicated(name, 2, List.of("node.role==worker"), ""), cpu));
            tasks.add(Fixtures.reserving(running(name, "b1"), cpu));
            tasks.add(Fixtures.reserving(running(name, "b2"), cpu));
        }
        Plan plan = plan(services, tasks);
        assertEquals(List.of("the services to move reserve 8 CPU in all, but the nodes they may land on have 6 CPU, "
                + "12 GiB unreserved"), plan.refusals());
        assertEquals(List.of(), plan(services.subList(0, 3), tasks.subList(0, 6)).refusals());
    }

    @Test
    void anUnfinishedMoveIsResumedEvenWhenNoTaskIsLeftOnTheOldPool() {
        Service labelled = replicated("web", 2, List.of(), "'Labels': {'berth.flip.original': 'e30='}");
        Plan plan = plan(List.of(labelled), List.of(running("web", "g1"), running("web", "g2")));
        assertEquals(1, plan.moves().size());
        assertTrue(plan.moves().get(0).resumed());
    }

    @Test
    void managersNotReachableAreNamed() {
        List<Node> all = new ArrayList<>(nodes);
        all.add(Node.of(Fixtures.json("{'ID': 'm2', 'Spec': {'Role': 'manager', 'Availability': 'active'}, "
                + "'Description': {'Hostname': 'manager2'}, 'Status': {'State': 'down'}, "
                + "'ManagerStatus': {'Reachability': 'unreachable'}}")));
        assertEquals(List.of("manager manager2 (m2) is unreachable, down"), Plan.managerProblems(all));
        assertEquals(List.of(), Plan.managerProblems(nodes));
    }
}
