package io.berth.linuxkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.config.BundleGuestinfo;
import io.berth.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** build.yml and the example worker agree with each other and with the agent's own paths. */
class PackageFilesTest {

    private static final Path EXAMPLE = Path.of("examples/swarm-worker.yml");
    /** name:tag, the tag no "latest" (a registry may also be named: host[:port]/path). */
    private static final Pattern PINNED = Pattern.compile("[a-z0-9./_-]+(:[0-9]+)?(/[a-z0-9._-]+)*:[A-Za-z0-9._-]+");

    private final BuildYml build = BuildYml.read();
    private final JsonNode example = read(EXAMPLE);

    @Test
    void everyImageOfTheExampleIsPinned() {
        List<String> images = new ArrayList<>(List.of(example.path("kernel").path("image").asText()));
        example.path("init").forEach(i -> images.add(i.asText()));
        for (String section : List.of("onboot", "services", "onshutdown")) {
            example.path(section).forEach(e -> images.add(e.path("image").asText()));
        }
        assertTrue(images.size() > 10, images.toString());
        for (String image : images) {
            assertTrue(PINNED.matcher(image).matches(), "not pinned: " + image);
            assertFalse(image.endsWith(":latest"), image);
        }
    }

    @Test
    void theAgentFetchesItsConfigOnBootRunsAsAServiceAndShutsDownInOnshutdown() {
        assertEquals(build.command("fetch-config"), commandOf(agentEntry("onboot")));
        assertEquals(build.command("run"), commandOf(agentEntry("services")), "the service runs build.yml's command");
        assertEquals(build.command("shutdown"), commandOf(agentEntry("onshutdown")));
        assertEquals("run", build.strings("command").getLast());
    }

    @Test
    void buildYmlBindsWhatTheAgentReadsAndWrites() {
        List<String> targets = build.binds().stream().map(b -> b[1]).toList();
        // agent.yml and its secrets as fetch-config writes them, and where run looks for agent.yml.
        assertTrue(targets.contains("/" + BundleGuestinfo.CONFIG_DIR), targets.toString());
        assertTrue(ConfigLoader.DEFAULT_PATHS.contains(Path.of("/").resolve(BundleGuestinfo.CONFIG_DIR).resolve("agent.yml")));
        assertTrue(targets.contains(ConfigLoader.DEFAULT_STATE_DIR.toString()), "the journal and the kept bundle");
        String socketDir = Path.of(ConfigLoader.DEFAULT_ENGINE.getPath()).getParent().toString();
        assertTrue(targets.contains(socketDir), "the Docker socket's directory " + socketDir);
        for (String readOnly : List.of("/etc/resolv.conf", "/etc/os-release", "/etc/machine-id", "/sys/class/dmi/id")) {
            assertTrue(build.binds().stream().anyMatch(b -> b[1].equals(readOnly) && b[2].equals("ro")), readOnly);
        }
        assertTrue(build.config().path("readonly").asBoolean(), "a read-only root");
        assertEquals(List.of("CAP_SYS_RAWIO"), build.strings("capabilities"));
    }

    @Test
    void theExampleMakesEveryBindSourceBuildYmlNeeds() {
        List<String> made = new ArrayList<>();
        example.path("files").forEach(f -> made.add("/" + f.path("path").asText()));
        agentEntry("onboot").path("runtime").path("mkdir").forEach(d -> made.add(d.asText()));
        // The docker service shares the socket through the same directory.
        assertTrue(entry("services", "docker").path("binds").toString().contains("\"/var/run:/var/run\""));
        // What LinuxKit itself provides: /var/run, resolv.conf (dhcpcd), os-release (init), DMI (the kernel).
        List<String> provided = List.of("/var/run", "/etc/resolv.conf", "/etc/os-release", "/sys/class/dmi/id");
        for (String[] bind : build.binds()) {
            assertTrue(made.contains(bind[0]) || provided.contains(bind[0]), "nothing makes " + bind[0]);
        }
    }

    private JsonNode agentEntry(String section) {
        for (JsonNode e : example.path(section)) {
            if (e.path("image").asText().startsWith("berth/berth-agent:")) {
                return e;
            }
        }
        throw new AssertionError("no berth-agent entry in " + section);
    }

    private JsonNode entry(String section, String name) {
        for (JsonNode e : example.path(section)) {
            if (e.path("name").asText().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no " + name + " in " + section);
    }

    /** An entry's command, or build.yml's when it names none (LinuxKit's default). */
    private List<String> commandOf(JsonNode entry) {
        if (!entry.has("command")) {
            return build.strings("command");
        }
        List<String> command = new ArrayList<>();
        entry.path("command").forEach(c -> command.add(c.asText()));
        return command;
    }

    private static JsonNode read(Path file) {
        try {
            return BuildYml.YAML.readTree(file.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
