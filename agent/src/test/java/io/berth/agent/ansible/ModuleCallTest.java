package io.berth.agent.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WANT_JSON protocol: one JSON object, Ansible's keys, failures with failed: true and no secret in them. */
class ModuleCallTest {

    @TempDir
    Path dir;

    private Map<String, Object> call(String module, String json) throws Exception {
        Path args = dir.resolve("args");
        Files.writeString(args, json);
        return ModuleCall.run("module", module, args.toString());
    }

    @Test
    void ansiblesOwnKeysAreTakenAndBadArgumentsFailNamingThem() throws Exception {
        Map<String, Object> out = call("docker_swarm", """
                {"state": "joined", "join_token": "SWMTKN-1-secret", "_ansible_check_mode": true,
                 "_ansible_diff": true, "_ansible_no_log": false, "_ansible_module_name": "docker_swarm"}""");
        assertEquals(true, out.get("failed"));
        assertEquals("value of state must be one of: join, absent, got: joined", out.get("msg"));
        assertFalse(out.toString().contains("SWMTKN-1-secret"), out.toString());
    }

    @Test
    void aBadConfigFailsInOneLineNamingIt() throws Exception {
        Map<String, Object> out = call("berth_lifecycle", "{\"state\": \"active\", \"config\": \"" + dir.resolve("none.yml")
                + "\"}");
        assertEquals(true, out.get("failed"));
        assertTrue(out.get("msg").toString().startsWith("config: no such file: "), out.toString());
        assertFalse(out.get("msg").toString().contains("\n"));
    }

    @Test
    void unknownModulesAndUnreadableArgumentsFail() throws Exception {
        assertTrue(call("docker_service", "{}").get("msg").toString().startsWith("unknown module docker_service"));
        assertTrue(call("setup", "not json").get("msg").toString().startsWith("cannot read the module arguments"));
        assertEquals(true, ModuleCall.run("module").get("failed"));
    }

    @Test
    void setupReturnsAnsibleFactsFiltered() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> facts = (Map<String, Object>) call("setup", "{\"filter\": [\"ansible_mem*\", \"ansible_local\"],"
                + " \"config\": null}").get("ansible_facts");
        assertTrue(facts.containsKey("ansible_memtotal_mb"), facts.toString());
        assertFalse(facts.containsKey("ansible_hostname"), facts.toString());
        assertEquals(List.of("berth"), List.copyOf(((Map<?, ?>) facts.get("ansible_local")).keySet()));
    }
}
