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
