package io.berth.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The agent's packages import one way (a package never imports one that imports it, however indirectly): the step
 * contract and the state below the features that implement the steps, the plans and commands above them.
 */
class PackageLayersTest {

    private static final Path SOURCES = Path.of("src/main/java/io/berth/agent");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.berth\\.agent\\.(?:([a-z]+)\\.)?[A-Z]",
            Pattern.MULTILINE);

    @Test
    void noPackageImportsOneThatImportsIt() throws IOException {
        Map<String, Set<String>> imports = imports();
        List<String> cycles = new ArrayList<>();
        for (String from : imports.keySet()) {
            for (String to : imports.get(from)) {
                if (reaches(imports, to, from, new TreeSet<>())) {
                    cycles.add(from + " -> " + to + " -> … -> " + from);
                }
            }
        }
        assertEquals(List.of(), cycles, "package imports: " + imports);
    }

    @Test
    void theBottomLayersImportNoFeature() throws IOException {
        Map<String, Set<String>> imports = imports();
        // The configuration is the module berth-config now: Maven keeps it from importing the agent at all.
        Set<String> bottom = Set.of("log", "retry", "state", "step");
        Set<String> features = Set.of("dns", "swarm", "lifecycle", "run", "http", "facts", "cli", "guestinfo",
                "(root)");
        for (String layer : bottom) {
            Set<String> wrong = new TreeSet<>(imports.getOrDefault(layer, Set.of()));
            wrong.retainAll(features);
            assertEquals(Set.of(), wrong, layer + " imports features");
        }
    }

    private static boolean reaches(Map<String, Set<String>> imports, String from, String target, Set<String> seen) {
        if (from.equals(target)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        for (String next : imports.getOrDefault(from, Set.of())) {
            if (reaches(imports, next, target, seen)) {
                return true;
            }
        }
        return false;
    }

    /** Package → the other packages of the agent it imports ("(root)" for io.berth.agent itself). */
    private static Map<String, Set<String>> imports() throws IOException {
        Map<String, Set<String>> imports = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path dir = SOURCES.relativize(file).getParent();
                String pkg = dir == null ? "(root)" : dir.toString();
                Set<String> to = imports.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String target = m.group(1) == null ? "(root)" : m.group(1);
                    if (!target.equals(pkg)) {
                        to.add(target);
                    }
                }
            }
        }
        return imports;
    }
}
