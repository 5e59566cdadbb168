package io.berth.agent.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgSpecTest {

    private static final ArgSpec SPEC = new ArgSpec("docker_swarm",
            Param.choice("state", "join", "join", "absent"),
            Param.of("join_token", Param.Type.STR).secret(),
            Param.of("remote_addrs", Param.Type.LIST),
            Param.of("force", Param.Type.BOOL).byDefault(false),
            Param.of("labels", Param.Type.DICT),
            Param.of("hostname", Param.Type.STR).mandatory());

    private static Args valid(Map<String, Object> given, List<String> warnings) throws ModuleFailure {
        return SPEC.validate(given, warnings);
    }

    @Test
    void convertsAsAnsibleDoesAndAppliesDefaults() throws Exception {
        List<String> warnings = new ArrayList<>();
        Args args = valid(Map.of("hostname", 5, "force", "yes", "remote_addrs", "10.0.0.1:2377,10.0.0.2",
                "labels", "a=1, b=2"), warnings);
        assertEquals("5", args.str("hostname").orElseThrow());
        assertTrue(warnings.get(0).startsWith("The value 5 (type int) in a string field was converted to '5'"), warnings.toString());
        assertTrue(args.bool("force"));
        assertEquals(List.of("10.0.0.1:2377", "10.0.0.2"), args.list("remote_addrs").orElseThrow());
        assertEquals(Map.of("a", "1", "b", "2"), args.dict("labels").orElseThrow());
        assertEquals("join", args.str("state").orElseThrow());
        assertFalse(valid(Map.of("hostname", "w1"), warnings).bool("force"));
    }

    @Test
    void failsInAnsiblesWordsNamingTheArgument() {
        assertEquals("Unsupported parameters for (docker_swarm) module: bogus, docker_host. Supported parameters "
                        + "include: force, hostname, join_token, labels, remote_addrs, state.",
                assertThrows(ModuleFailure.class, () -> valid(Map.of("hostname", "w1", "bogus", 1, "docker_host", "x"),
                        new ArrayList<>())).getMessage());
        assertEquals("missing required arguments: hostname",
                assertThrows(ModuleFailure.class, () -> valid(Map.of(), new ArrayList<>())).getMessage());
        assertEquals("value of state must be one of: join, absent, got: present",
                assertThrows(ModuleFailure.class, () -> valid(Map.of("hostname", "w1", "state", "present"),
                        new ArrayList<>())).getMessage());
        String bool = assertThrows(ModuleFailure.class, () -> valid(Map.of("hostname", "w1", "force", "maybe"),
                new ArrayList<>())).getMessage();
        assertTrue(bool.startsWith("argument 'force' is of type <class 'str'> and we were unable to convert to bool"), bool);
    }

    @Test
    void aSecretIsNeverEchoed() throws Exception {
        List<String> warnings = new ArrayList<>();
        Args args = valid(Map.of("hostname", "w1", "join_token", 12345), warnings);
        assertEquals(List.of(), warnings, "a converted secret is not shown in a warning");
        assertEquals(ArgSpec.MASKED, SPEC.invocation(args).get("join_token"));
        assertEquals("12345", args.str("join_token").orElseThrow());
        String typed = assertThrows(ModuleFailure.class, () -> valid(Map.of("hostname", "w1",
                "join_token", Map.of("SWMTKN", "secret-value")), new ArrayList<>())).getMessage();
        assertFalse(typed.contains("secret-value"), typed);
    }
}
