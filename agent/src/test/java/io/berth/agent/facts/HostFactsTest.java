package io.berth.agent.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HostFactsTest {

    private static Map<String, Object> loopback;

    @BeforeAll
    static void gatherOnce() {
        long start = System.nanoTime();
        loopback = HostFacts.gather("127.0.0.1");
        System.out.printf("facts gathered in %d ms (berth_facts_gather_ms=%s)%n",
                (System.nanoTime() - start) / 1_000_000, loopback.get("berth_facts_gather_ms"));
        loopback.forEach((k, v) -> System.out.println("  " + k + " = " + v));
    }

    @Test
    void ansibleKeysArePresentWithTheirTypes() {
        for (String key : List.of("ansible_hostname", "ansible_nodename", "ansible_fqdn", "ansible_distribution",
                "ansible_distribution_version", "ansible_distribution_release", "ansible_os_family", "ansible_kernel",
                "ansible_kernel_version", "ansible_architecture", "ansible_machine", "ansible_product_uuid",
                "ansible_product_name", "ansible_system_vendor", "ansible_virtualization_type",
                "ansible_virtualization_role", "berth_facts_gathered_at")) {
            assertInstanceOf(String.class, loopback.get(key), key);
        }
        for (String key : List.of("ansible_memtotal_mb", "ansible_memfree_mb", "ansible_processor_vcpus",
                "ansible_processor_count", "ansible_processor_cores", "ansible_uptime_seconds", "berth_boot_time",
                "berth_facts_gather_ms")) {
            assertInstanceOf(Number.class, loopback.get(key), key);
        }
        for (String key : List.of("ansible_all_ipv4_addresses", "ansible_interfaces",
                "ansible_processor")) {
            assertInstanceOf(List.class, loopback.get(key), key);
        }
        assertInstanceOf(Map.class, loopback.get("ansible_default_ipv4"));
        assertEquals("Linux", loopback.get("ansible_system"));
        assertFalse(loopback.containsKey("berth_identity"));
        loopback.values().forEach(v -> assertNotNull(v));
    }

    @Test
    void hardwareIsRead() {
        assertTrue(((Number) loopback.get("ansible_memtotal_mb")).longValue() > 0);
        int vcpus = ((Number) loopback.get("ansible_processor_vcpus")).intValue();
        assertTrue(vcpus >= 1);
        // Ansible's shape: index, vendor, model for every logical processor
        assertEquals(3 * vcpus, ((List<?>) loopback.get("ansible_processor")).size());
        assertTrue(((Number) loopback.get("ansible_uptime_seconds")).longValue() > 0);
        assertFalse(((List<?>) loopback.get("ansible_all_ipv4_addresses")).contains("127.0.0.1"));
    }

    @Test
    void loopbackAddressPicksLo() {
        Map<?, ?> ipv4 = (Map<?, ?>) loopback.get("ansible_default_ipv4");
        assertEquals("127.0.0.1", ipv4.get("address"));
        assertEquals("lo", ipv4.get("interface"));
        assertEquals("255.0.0.0", ipv4.get("netmask"));
        assertEquals("127.0.0.0", ipv4.get("network"));
        assertEquals("8", ipv4.get("prefix"));
        assertEquals("loopback", ipv4.get("type"));
        assertEquals(HostFacts.UNKNOWN, ipv4.get("gateway"));
        assertInstanceOf(Number.class, ipv4.get("mtu"));
    }

    @Test
    void advertisedAddressPicksItsInterface() throws Exception {
        Optional<String[]> local = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(nif -> !nif.getName().equals("lo"))
                .flatMap(nif -> nif.getInterfaceAddresses().stream()
                        .filter(a -> a.getAddress() instanceof Inet4Address)
                        .map(a -> new String[] {a.getAddress().getHostAddress(), nif.getName()}))
                .findFirst();
        if (local.isEmpty()) {
            return; // a machine with loopback only: covered by loopbackAddressPicksLo
        }
        Map<String, Object> facts = HostFacts.gather(local.get()[0]);
        Map<?, ?> ipv4 = (Map<?, ?>) facts.get("ansible_default_ipv4");
        assertEquals(local.get()[0], ipv4.get("address"));
        assertEquals(local.get()[1], ipv4.get("interface"));
        assertNotEquals(HostFacts.UNKNOWN, ipv4.get("netmask"));
        assertTrue(((List<?>) facts.get("ansible_all_ipv4_addresses")).contains(local.get()[0]));
    }

    @Test
    void addressOwnedByNoInterfaceLeavesDefaultIpv4Unknown() throws Exception {
        String stranger = null;
        for (String candidate : List.of("203.0.113.254", "198.51.100.254", "192.0.2.254")) {
            if (NetworkInterface.getByInetAddress(InetAddress.getByName(candidate)) == null) {
                stranger = candidate;
                break;
            }
        }
        if (stranger == null) {
            fail("every documentation address is local here");
        }
        Map<?, ?> ipv4 = (Map<?, ?>) HostFacts.gather(stranger).get("ansible_default_ipv4");
        assertEquals(stranger, ipv4.get("address"));
        for (String field : List.of("interface", "gateway", "netmask", "network", "macaddress", "mtu")) {
            assertEquals(HostFacts.UNKNOWN, ipv4.get(field), field);
        }
    }

    @Test
    void defaultRouteIsUsedWithoutAnAdvertisedAddress() {
        Map<?, ?> ipv4 = (Map<?, ?>) HostFacts.gather(null).get("ansible_default_ipv4");
        Map<String, String> gateways = HostFacts.defaultGateways();
        if (gateways.isEmpty()) {
            assertEquals(HostFacts.UNKNOWN, ipv4.get("interface"));
        } else {
            String nif = (String) ipv4.get("interface");
            assertEquals(gateways.get(nif), ipv4.get("gateway"));
        }
    }

    @Test
    void everythingIsJson() throws Exception {
        assertJsonFriendly("facts", loopback);
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> back = json.readValue(json.writeValueAsString(loopback), new TypeReference<>() { });
        assertEquals(loopback.keySet(), back.keySet());
        assertEquals(((Map<?, ?>) loopback.get("ansible_default_ipv4")).keySet(),
                ((Map<?, ?>) back.get("ansible_default_ipv4")).keySet());
        assertEquals(loopback.get("ansible_processor"), back.get("ansible_processor"));
    }

    @Test
    void cacheServesTheSameGatheringUntilRefreshButTheClockIsAlwaysNow() throws Exception {
        HostFacts facts = new HostFacts("127.0.0.1");
        Map<String, Object> first = facts.facts();
        Thread.sleep(5);
        Map<String, Object> second = facts.facts();
        assertEquals(first.get("berth_facts_gathered_at"), second.get("berth_facts_gathered_at"), "gathered once");
        assertNotEquals(((Map<?, ?>) first.get("ansible_date_time")).get("iso8601_micro"),
                ((Map<?, ?>) second.get("ansible_date_time")).get("iso8601_micro"), "the clock is read each time");
        Map<String, Object> again = facts.refresh();
        assertNotEquals(first.get("berth_facts_gathered_at"), again.get("berth_facts_gathered_at"), "refresh gathers anew");
        assertEquals(first.keySet(), again.keySet());
    }

    private static void assertJsonFriendly(String path, Object value) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                assertInstanceOf(String.class, k, path);
                assertJsonFriendly(path + "." + k, v);
            });
        } else if (value instanceof List<?> list) {
            list.forEach(v -> assertJsonFriendly(path + "[]", v));
        } else if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
            fail(path + " is " + (value == null ? "null" : value.getClass().getName()));
        }
    }
}
