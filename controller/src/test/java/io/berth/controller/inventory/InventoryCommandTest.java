package io.berth.controller.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.berth.config.AgentConfig;
import io.berth.controller.pool.PoolView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The --list document as Ansible's script protocol wants it. */
class InventoryCommandTest {

    static final String ID1 = "11111111-1111-4111-8111-111111111111";
    static final String ID2 = "22222222-2222-4222-8222-222222222222";

    private final List<PoolView> pools = List.of(
            new PoolView("blue", 2, List.of(
                    new PoolView.Member("blue1", ID1, "on", "10.0.0.11", "n1", "ready", "drain", 0, "10.0.0.11",
                            List.of()),
                    new PoolView.Member("blue2", ID2, null, null, "n2", "down", "active", 0, null,
                            List.of("a node without a VM")))),
            new PoolView("green", 2, List.of(
                    new PoolView.Member("green1", ID2, "off", null, null, null, null, 0, null, List.of("powered off")))));

    @Test
    void aGroupPerPoolTheirParentAndHostvarsOfEveryVm() {
        Map<String, Object> inventory = InventoryCommand.inventory(pools, new AgentConfig.HostPort("0.0.0.0", 9813));
        assertEquals(Map.of("hosts", List.of("blue1")), inventory.get("blue"), "a node whose VM is gone is no host");
        assertEquals(Map.of("hosts", List.of("green1")), inventory.get("green"));
        assertEquals(Map.of("children", List.of("blue", "green")), inventory.get("berth_pools"));
        Map<String, Object> blue1 = new LinkedHashMap<>();
        blue1.put("ansible_host", "10.0.0.11");
        blue1.put("berth_pool", "blue");
        blue1.put("berth_identity", ID1);
        blue1.put("berth_vm_state", "on");
        blue1.put("berth_node_id", "n1");
        blue1.put("berth_node_state", "ready");
        blue1.put("berth_availability", "drain");
        blue1.put("berth_agent_api", "http://10.0.0.11:9813");
        @SuppressWarnings("unchecked")
        Map<String, Object> hostvars = (Map<String, Object>) ((Map<String, Object>) inventory.get("_meta")).get("hostvars");
        assertEquals(blue1, hostvars.get("blue1"));
        assertEquals(Map.of("berth_pool", "green", "berth_identity", ID2, "berth_vm_state", "off"),
                hostvars.get("green1"), "no address yet, no node: only what is known");
    }

    @Test
    void aLoopbackAgentApiIsShownAsItListens() {
        Map<String, Object> inventory = InventoryCommand.inventory(pools, new AgentConfig.HostPort("127.0.0.1", 9813));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> hostvars = (Map<String, Map<String, Object>>)
                ((Map<String, Object>) inventory.get("_meta")).get("hostvars");
        assertEquals("http://127.0.0.1:9813", hostvars.get("blue1").get("berth_agent_api"));
        assertEquals("http://127.0.0.1:9813", hostvars.get("green1").get("berth_agent_api"));
    }
}
