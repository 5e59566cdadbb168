package io.berth.agent.ansible;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.agent.log.Log;
import io.berth.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code berth-agent module NAME ARGS_FILE}: Ansible's protocol for modules that are not Python (WANT_JSON). Reads the
 * JSON arguments file Ansible wrote, runs the module, prints exactly one JSON object on stdout and exits 0, or 1 with
 * {@code failed: true}. Nothing else reaches stdout: the agent's log lines are returned as {@code berth_log}. Started
 * without picocli: a playbook starts one JVM per task.
 */
public final class ModuleCall {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The modules, by the names the collection's wrappers call them. */
    static Map<String, Module> modules() {
        Map<String, Module> all = new TreeMap<>();
        all.put("setup", new SetupModule());
        all.put("docker_swarm", new DockerSwarmModule());
        all.put("docker_node", new DockerNodeModule());
        all.put("berth_lifecycle", new LifecycleModule());
        return all;
    }

    private ModuleCall() {
    }

    /** {@code args}: {@code module NAME ARGS_FILE}. Returns the exit code. */
    public static int main(String... args) {
        PrintStream stdout = System.out;
        System.setOut(System.err); // one JSON object on stdout, whatever a library prints
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Log.configure(Log.Level.INFO, Log.Format.TEXT);
        Log.to(new PrintStream(log, true, StandardCharsets.UTF_8));
        Map<String, Object> result = run(args);
        List<String> lines = log.toString(StandardCharsets.UTF_8).lines().toList();
        if (!lines.isEmpty()) {
            result.put("berth_log", lines);
        }
        try {
            stdout.println(JSON.writeValueAsString(result));
        } catch (Exception e) {
            stdout.println("{\"failed\": true, \"msg\": \"cannot print the result\"}");
            return 1;
        }
        stdout.flush();
        return Boolean.TRUE.equals(result.get("failed")) ? 1 : 0;
    }

    static Map<String, Object> run(String... args) {
        if (args.length != 3) {
            return failed("usage: berth-agent module NAME ARGS_FILE (NAME one of " + String.join(", ", modules().keySet())
                    + "); Ansible passes ARGS_FILE");
        }
        Module module = modules().get(args[1]);
        if (module == null) {
            return failed("unknown module " + args[1] + ": berth-agent has " + String.join(", ", modules().keySet()));
        }
        Map<String, Object> given;
        try {
            given = JSON.readValue(Files.readString(Path.of(args[2])), Map.class);
        } catch (Exception e) {
            return failed("cannot read the module arguments from " + args[2] + ": " + Log.oneLine(e));
        }
        boolean checkMode = Boolean.TRUE.equals(given.get("_ansible_check_mode"));
        boolean diff = Boolean.TRUE.equals(given.get("_ansible_diff"));
        boolean noLog = Boolean.TRUE.equals(given.get("_ansible_no_log"));
        Map<String, Object> params = new LinkedHashMap<>(given);
        params.keySet().removeIf(k -> k.startsWith("_ansible_"));
        List<String> warnings = new ArrayList<>();
        Map<String, Object> out;
        Args validated = null;
        try {
            validated = module.spec().validate(params, warnings);
            out = module.run(validated, new Module.Call(checkMode, diff && !noLog, warnings)).toMap(diff && !noLog);
        } catch (ModuleResult.StepsFailed e) {
            out = failed(e.getMessage());
            out.put("changed", e.changed); // some steps did their work before another failed
            out.put("steps", e.steps);
        } catch (ModuleFailure | ConfigException e) {
            out = failed(e.getMessage());
        } catch (Exception e) {
            out = failed(args[1] + " failed: " + Log.oneLine(e));
        }
        if (!warnings.isEmpty()) {
            out.put("warnings", warnings);
        }
        if (validated != null && !noLog) {
            out.put("invocation", Map.of("module_args", module.spec().invocation(validated)));
        }
        return out;
    }

    private static Map<String, Object> failed(String msg) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("failed", true);
        out.put("changed", false);
        out.put("msg", msg);
        return out;
    }
}
