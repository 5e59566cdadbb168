package io.berth.agent.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.lab.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our facts against real `ansible -m setup` in the root namespace (where there is a default route): every stable key
 * equal and not empty, the volatile ones within a tolerance; and berth.fact, installed by `facts --install`, gives
 * Ansible's own setup the same ansible_local.berth.
 */
@IntegrationTest
class SetupFactsIT {

    private static final Path LAUNCHER = Path.of("target/berth-agent").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> STABLE = List.of("ansible_hostname", "ansible_nodename",
            "ansible_memtotal_mb", "ansible_processor_vcpus", "ansible_distribution",
            "ansible_distribution_version", "ansible_distribution_major_version", "ansible_os_family", "ansible_kernel",
            "ansible_architecture", "ansible_machine_id");
    private static final List<String> IPV4 = List.of("address", "interface", "gateway", "netmask", "network",
            "macaddress", "mtu");

    @TempDir
    Path dir;

    private String run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    private JsonNode ansibleSetup(String args) throws Exception {
        String out = run(Map.of("ANSIBLE_HOME", dir.resolve("ansible").toString(), "ANSIBLE_LOCAL_TEMP",
                        dir.resolve("ansible/tmp").toString(), "ANSIBLE_REMOTE_TEMP", dir.resolve("ansible/remote").toString(),
                        "ANSIBLE_LOCALHOST_WARNING", "false"),
                "ansible", "localhost", "-c", "local", "-m", "setup", "-a", args);
        return JSON.readTree(out.substring(out.indexOf('{'))).path("ansible_facts");
    }

    @Test
    void everyStableFactIsAnsiblesAndTheVolatileOnesAreClose() throws Exception {
        JsonNode real = ansibleSetup("gather_subset=all");
        JsonNode ours = JSON.readTree(run(Map.of(), LAUNCHER.toString(), "facts", "--json"));
        for (String key : STABLE) {
            assertEquals(real.path(key), ours.path(key), key);
            String text = ours.path(key).toString();
            assertFalse(text.isEmpty() || text.equals("\"NA\"") || text.equals("[]") || text.equals("\"\""), key + ": " + text);
        }
        for (String field : IPV4) {
            JsonNode value = ours.path("ansible_default_ipv4").path(field);
            assertEquals(real.path("ansible_default_ipv4").path(field), value, "ansible_default_ipv4." + field);
            assertFalse(value.isMissingNode() || value.asText().isEmpty() || value.asText().equals("NA"), field);
        }
        // Lists whose order Ansible takes from a set or a directory walk: compared as sets, and not empty.
        for (String key : List.of("ansible_interfaces", "ansible_all_ipv4_addresses")) {
            assertEquals(sorted(real.path(key)), sorted(ours.path(key)), key);
            assertFalse(sorted(ours.path(key)).isEmpty(), key);
        }
        assertEquals(real.path("ansible_memfree_mb").asDouble(), ours.path("ansible_memfree_mb").asDouble(),
                Math.max(256, real.path("ansible_memtotal_mb").asDouble() / 10), "ansible_memfree_mb");
        assertEquals(real.path("ansible_uptime_seconds").asDouble(), ours.path("ansible_uptime_seconds").asDouble(), 120,
                "ansible_uptime_seconds");
        assertEquals(real.path("ansible_date_time").path("epoch").asDouble(),
                ours.path("ansible_date_time").path("epoch").asDouble(), 120, "ansible_date_time.epoch");
        for (String key : List.of("date", "tz", "tz_offset", "year", "weekday")) {
            assertEquals(real.path("ansible_date_time").path(key), ours.path("ansible_date_time").path(key), key);
        }
        assertEquals(JSON.readTree(JSON.writeValueAsString(real.path("ansible_date_time").properties().stream()
                        .map(Map.Entry::getKey).sorted().toList())),
                JSON.readTree(JSON.writeValueAsString(ours.path("ansible_date_time").properties().stream()
                        .map(Map.Entry::getKey).sorted().toList())), "ansible_date_time's keys");
    }

    private static List<String> sorted(JsonNode list) {
        List<String> out = new java.util.ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return out.stream().sorted().toList();
    }

    @Test
    void theInstalledFactFileGivesAnsiblesSetupOurLocalFacts() throws Exception {
        Path factDir = dir.resolve("facts.d");
        run(Map.of(), LAUNCHER.toString(), "facts", "--install", "--fact-dir", factDir.toString());
        JsonNode real = ansibleSetup("fact_path=" + factDir + " filter=ansible_local");
        JsonNode ours = JSON.readTree(run(Map.of(), LAUNCHER.toString(), "facts", "--local"));
        assertEquals(ours, real.path("ansible_local").path("berth"));
        assertTrue(ours.has("journal") && ours.has("node") && ours.has("record"), ours.toString());
    }
}
