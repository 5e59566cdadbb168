package io.berth.agent.ansible;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code setup}: the facts of {@code berth-agent facts} as Ansible's setup module returns them, for hosts without
 * Python ({@code ansible_facts_modules: berth.swarm.setup}). {@code filter} takes Ansible's shell-style patterns;
 * every fact the agent has is gathered whatever {@code gather_subset} says (it warns when that is not "all").
 */
final class SetupModule implements Module {

    private static final ArgSpec SPEC = new ArgSpec("setup",
            Param.of("filter", Param.Type.LIST).byDefault(List.of()),
            Param.of("gather_subset", Param.Type.LIST).byDefault(List.of("all")),
            CONFIG);

    @Override
    public ArgSpec spec() {
        return SPEC;
    }

    @Override
    public ModuleResult run(Args args, Call call) {
        List<String> subset = args.list("gather_subset").orElseThrow();
        if (!subset.equals(List.of("all"))) {
            call.warnings().add("gather_subset " + subset + " is not honoured: berth.swarm.setup gathers every fact it has");
        }
        Map<String, Object> all = AgentFacts.gather(args.str("config").map(Path::of));
        List<String> patterns = args.list("filter").orElseThrow();
        Map<String, Object> facts = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (patterns.isEmpty() || patterns.stream().anyMatch(p -> matches(p, k))) {
                facts.put(k, v);
            }
        });
        facts.put("module_setup", true);
        return new ModuleResult(false, "").put("ansible_facts", facts);
    }

    /** Python's fnmatch on a fact name: *, ? and [...]. */
    static boolean matches(String pattern, String name) {
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + pattern.replace("/", "\\/"));
        return glob.matches(Path.of(name));
    }
}
