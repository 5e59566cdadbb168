package io.berth.controller.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import com.github.dockerjava.api.model.SwarmNodeDescription;
import com.github.dockerjava.api.model.SwarmNodeSpec;
import com.github.dockerjava.api.model.SwarmNodeState;
import com.github.dockerjava.api.model.SwarmNodeStatus;
import io.berth.controller.provider.Vm;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The join of VMs, nodes and records into members, and every disagreement it names. */
class PoolViewTest {

    static final String ID1 = "11111111-1111-4111-8111-111111111111";
    static final String ID2 = "22222222-2222-4222-8222-222222222222";
    static final String ID3 = "33333333-3333-4333-8333-333333333333";

    static Vm vm(String name, String id, Vm.State state, String address) {
        return new Vm(id, name, "blue", state, Optional.ofNullable(address));
    }

    static SwarmNode node(String id, String host, String identity, SwarmNodeState state,
                          SwarmNodeAvailability availability) {
        return new SwarmNode().withId(id)
                .withDescription(new SwarmNodeDescription().withHostname(host))
                .withStatus(new SwarmNodeStatus().withState(state))
                .withSpec(new SwarmNodeSpec().withAvailability(availability)
                        .withLabels(Map.of("berth.pool", "blue", "berth.identity", identity)));
    }

    static PoolView join(List<Vm> vms, List<SwarmNode> nodes, Map<String, Integer> tasks, Map<String, String> records) {
        return PoolView.join("blue", 3, new PoolView.Snapshot(vms, nodes, tasks, records));
    }

    @Test
    void aHealthyMemberJoinsItsVmNodeAndRecordByIdentity() {
        PoolView view = join(List.of(vm("blue1", ID1, Vm.State.ON, "10.0.0.11")),
                List.of(node("n1", "blue1", ID1, SwarmNodeState.READY, SwarmNodeAvailability.ACTIVE)),
                Map.of("n1", 2), Map.of("blue1", "10.0.0.11"));
        PoolView.Member m = view.member("blue1").orElseThrow();
        assertEquals("n1", m.nodeId());
        assertEquals(2, m.tasks());
        assertTrue(m.ready(), m.toString());
        assertTrue(m.carriesLoad());
        assertEquals(List.of(), view.problems());
    }

    @Test
    void everyDisagreementIsNamed() {
        PoolView view = join(
                List.of(vm("blue1", ID1, Vm.State.ON, "10.0.0.11"), vm("blue2", ID2, Vm.State.ON, "10.0.0.12"),
                        vm("blue3", ID3, Vm.State.CREATING, null)),
                List.of(node("n1", "blue1", ID1, SwarmNodeState.READY, SwarmNodeAvailability.ACTIVE),
                        node("old1", "blue1", ID1, SwarmNodeState.DOWN, SwarmNodeAvailability.ACTIVE),
                        node("n9", "blue9", "99999999-9999-4999-8999-999999999999", SwarmNodeState.READY,
                                SwarmNodeAvailability.DRAIN)),
                Map.of(), Map.of("blue1", "10.0.0.99", "blue9", "10.0.0.19"));
        assertEquals(List.of(
                "blue1: stale node old1 (down)",
                "blue1: its A record points at 10.0.0.99, its VM is at 10.0.0.11",
                "blue2: no Swarm node",
                "blue3: its creation did not finish: rerun pool create",
                "blue9: a node without a VM"), view.problems());
        assertEquals("n1", view.member("blue1").orElseThrow().nodeId(), "the live node counts, not the stale one");
        assertFalse(view.member("blue9").orElseThrow().ready());
    }

    @Test
    void aJoinedNodeWithoutItsRecordIsNotReady() {
        PoolView view = join(List.of(vm("blue1", ID1, Vm.State.ON, "10.0.0.11")),
                List.of(node("n1", "blue1", ID1, SwarmNodeState.READY, SwarmNodeAvailability.ACTIVE)),
                Map.of(), Map.of());
        assertEquals(List.of("blue1: no A record"), view.problems());
        assertFalse(view.member("blue1").orElseThrow().ready());
    }

    @Test
    void nodesOfOtherPoolsAreNotMembers() {
        SwarmNode green = node("g1", "green1", ID2, SwarmNodeState.READY, SwarmNodeAvailability.ACTIVE);
        green.getSpec().withLabels(Map.of("berth.pool", "green", "berth.identity", ID2));
        PoolView view = join(List.of(), List.of(green), Map.of(), Map.of());
        assertEquals(List.of(), view.members());
    }
}
