package io.berth.controller.flip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.controller.BerthCli;
import io.berth.lab.IntegrationTest;
import io.berth.lab.Lab;
import io.berth.lab.LabEnv;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * berth flip and rollback as a user runs them, on a real lab of 3 managers and two pools of 2 made by berth
 * itself. A sampler polls a manager every 200 ms during each move and records, per replicated service, its
 * running tasks against its replicas, and for the service with a HEALTHCHECK also the running tasks whose
 * container its engine reports healthy: the lowest must never be below 1.
 */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlipIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String HEALTH = "health";
    private static final List<String> REPLICATED = List.of("plain", HEALTH, "startfirst", "rollsback");
    private static final Duration LINGER = Duration.ofSeconds(3);

    @Lab(workers = 0, managers = 3)
    static LabEnv lab;

    @TempDir
    static Path dir;

    @TempDir
    static Path otherDir;

    static BerthCli berth;
    static String api;
    /** Each service's UpdateConfig and RollbackConfig as created, raw. */
    static final Map<String, String> OWN = new TreeMap<>();

    @BeforeAll
    static void twoPoolsAndTheLoadOnBlue() throws Exception {
        berth = new BerthCli(dir);
        BerthCli.Result init = berth.run(60, "init", "--lab", lab.name());
        assertEquals(0, init.exit(), init.toString());
        Path yml = dir.resolve("berth.yml");
        // berth calls manager2 first (a follower; the first manager made the Swarm and leads it): the one stalled
        // mid-rollback, so berth's failover is what is tried, not a Raft election (see the README for that).
        String text = Files.readString(yml).replace("{size: 3}", "{size: 2}");
        java.util.regex.Matcher listed = java.util.regex.Pattern.compile("(?m)^managers:\n  api: \\[([^\\]]*)\\]")
                .matcher(text);
        assertTrue(listed.find(), text);
        List<String> apis = new ArrayList<>(List.of(listed.group(1).split(",\\s*")));
        apis.add(apis.removeFirst());
        text = text.substring(0, listed.start(1)) + String.join(", ", apis) + text.substring(listed.end(1));
        Files.writeString(yml, text);
        Files.copy(yml, otherDir.resolve("berth.yml"));
        // The test reads the last manager: the second (berth's first) is stalled mid-rollback.
        api = "http://" + URI.create(lab.managersApi().getLast()).getAuthority() + "/v1.41";

        BerthCli.Result blue = berth.run(300, "pool", "create", "blue");
        assertEquals(0, blue.exit(), blue.toString());
        // plain: created through the API without update settings, so its raw UpdateConfig is null.
        post("/services/create", """
                {"Name": "plain", "Mode": {"Replicated": {"Replicas": 4}},
                 "TaskTemplate": {"ContainerSpec": {"Image": "%s", "Command": ["sleep", "3600"],
                   "StopGracePeriod": 1000000000},
                   "Placement": {"Constraints": ["node.role==worker", "node.labels.berth.pool!=none"]}}}
                """.formatted(lab.image()));
        service("health", "--replicas", "2", "--health-cmd", "test -e /bin/sh", "--health-interval", "1s",
                "--health-retries", "1", "--constraint", "node.role==worker");
        service("startfirst", "--replicas", "2", "--update-order", "start-first", "--update-parallelism", "2",
                "--constraint", "node.role==worker");
        service("rollsback", "--replicas", "2", "--update-failure-action", "rollback", "--rollback-order",
                "stop-first", "--constraint", "node.role==worker");
        service("everywhere", "--mode", "global");
        awaitRunning(Duration.ofSeconds(90));
        BerthCli.Result green = berth.run(300, "pool", "create", "green");
        assertEquals(0, green.exit(), green.toString());
        for (String s : List.of("plain", "health", "startfirst", "rollsback", "everywhere")) {
            OWN.put(s, ownSettings(s));
        }
        assertEquals("null null", OWN.get("plain"), "the trap: a service without update settings stores null");
        assertEquals(Set.of("blue"), poolsRunning(REPLICATED), "the load starts on blue");
    }

    @AfterAll
    static void nothingIsLeft() {
        removeServices("plain", "health", "startfirst", "rollsback", "everywhere", "pinned", "fragile", "hog", "roomy",
                "greenonly");
        berth.run(300, "pool", "destroy", "green", "--yes", "--force");
        berth.run(300, "pool", "destroy", "blue", "--yes", "--force");
    }

    @Test
    @Order(1)
    void aServicePinnedToBlueIsRefusedByPreflightAndNothingChanges() throws Exception {
        service("pinned", "--replicas", "1", "--constraint", "node.labels.berth.pool==blue");
        awaitRunning(Duration.ofSeconds(60));
        try {
            String before = state();
            BerthCli.Result refused = berth.run(120, "flip", "--from", "blue", "--to", "green", "--yes");
            assertEquals(1, refused.exit(), refused.toString());
            assertTrue(refused.lastLine().contains("service pinned") && refused.lastLine()
                    .contains("node.labels.berth.pool==blue") && refused.lastLine().contains("nothing changed"),
                    refused.lastLine());
            assertEquals(before, state(), "nothing changed");
        } finally {
            lab.exec("manager", "docker", "service", "rm", "pinned");
        }
        // Room: a hog holds all but half a CPU of each green node (every lab engine reports the machine's CPUs); a
        // service reserving 1 CPU a task then runs on blue only, and green has no room for it.
        long cpus = 0;
        for (JsonNode n : get("/nodes")) {
            cpus = Math.max(cpus, n.path("Description").path("Resources").path("NanoCPUs").asLong());
        }
        String hogCpus = String.format(java.util.Locale.ROOT, "%.1f", cpus / 1e9 - 0.5);
        try {
            // The hog first, placed and running: else the scheduler may spread roomy onto the empty green first.
            service("hog", "--replicas", "2", "--reserve-cpu", hogCpus, "--constraint",
                    "node.labels.berth.pool==green");
            awaitRunning(Duration.ofSeconds(60));
            service("roomy", "--replicas", "2", "--reserve-cpu", "1", "--constraint", "node.role==worker");
            awaitRunning(Duration.ofSeconds(60));
            assertEquals(Set.of("blue"), poolsRunning(List.of("roomy")));
            String before = state();
            BerthCli.Result refused = berth.run(120, "flip", "--from", "blue", "--to", "green", "--yes");
            assertEquals(1, refused.exit(), refused.toString());
            assertTrue(refused.lastLine().contains("service roomy: reserves 1 CPU a task; 2 must fit")
                    && refused.lastLine().contains("holds 0") && refused.lastLine().contains("nothing changed"),
                    refused.lastLine());
            assertEquals(before, state(), "nothing changed");
        } finally {
            removeServices("hog", "roomy"); // each on its own: one never created must not keep the other
        }
        BerthCli.Result dryRun = berth.run(120, "flip", "--from", "blue", "--to", "green", "--dry-run");
        assertEquals(0, dryRun.exit(), dryRun.toString());
        assertTrue(dryRun.out().contains("move plain (4 replicas)") && dryRun.out().contains("-> may land on green1, "
                + "green2") && !dryRun.out().contains("everywhere"), dryRun.out());
        assertFalse(dryRun.out().contains("outside both pools"), "the managers are constrained away: " + dryRun.out());
        BerthCli.Result noTty = berth.run(120, "flip", "--from", "blue", "--to", "green");
        assertEquals(2, noTty.exit(), noTty.toString());
        assertTrue(noTty.lastLine().contains("--yes"), noTty.lastLine());
        assertEquals(Set.of("active"), availability("blue"));
    }

    @Test
    @Order(2)
    void flipBlueToGreenWithNoDipWhileASecondFlipIsRefusedNamingTheHolder() throws Exception {
        try (Sampler sampler = new Sampler()) {
            Instant start = Instant.now();
            Process flip = berth.start("flip", "--from", "blue", "--to", "green", "--yes", "-o", "json");
            awaitLock(flip);
            BerthCli.Result second = new BerthCli(otherDir).run(120, "flip", "--from", "blue", "--to", "green",
                    "--yes");
            assertEquals(1, second.exit(), second.toString());
            assertTrue(second.lastLine().contains("locked by") && second.lastLine().contains("pid " + flip.pid())
                    && second.lastLine().contains("(flip blue -> green)"), second.lastLine());
            // A pool destroy takes the same lock: refused too (--force: past the check for load, to the lock).
            BerthCli.Result destroy = new BerthCli(otherDir).run(120, "pool", "destroy", "blue", "--yes", "--force");
            assertEquals(1, destroy.exit(), destroy.toString());
            assertTrue(destroy.lastLine().contains("pool blue not destroyed: locked by") && destroy.lastLine()
                    .contains("(flip blue -> green)"), destroy.lastLine());
            assertTrue(flip.waitFor(600, TimeUnit.SECONDS), berth.err());
            assertEquals(0, flip.exitValue(), berth.err());
            JsonNode report = JSON.readTree(Files.readString(dir.resolve("berth.out")));
            assertTrue(report.get("error").isNull(), report.toString());
            assertEquals(REPLICATED.size(), report.get("moved").size(), report.toString());
            report.get("moved").forEach(m -> assertTrue(m.get("error").isNull(), m.toString()));
            System.out.println("FlipIT moves: " + report.get("moved"));
            report("flip blue -> green", start, sampler);
        }
        assertLoadOn("green", "blue");
    }

    @Test
    @Order(3)
    void rollbackToBlueTwoServicesAtATimeWithNoDipWhileTheFirstManagerStalls() throws Exception {
        String first = lab.managers().get(1); // berth's first (see twoPoolsAndTheLoadOnBlue), a follower
        try (Sampler sampler = new Sampler()) {
            Instant start = Instant.now();
            Process rollback = berth.start("rollback", "--to", "blue", "--batch", "2", "--yes");
            Instant until = Instant.now().plusSeconds(120);
            while (labelled().isEmpty() && rollback.isAlive() && Instant.now().isBefore(until)) {
                Thread.sleep(50);
            }
            assertFalse(labelled().isEmpty(), "no move began:\n" + berth.err());
            // The manager berth calls first accepts and never answers now.
            lab.stall(first);
            try {
                assertTrue(rollback.waitFor(600, TimeUnit.SECONDS), berth.err());
                assertEquals(0, rollback.exitValue(), berth.err());
                assertTrue(Files.readString(dir.resolve("berth.out")).contains("rollback green -> blue"));
            } finally {
                lab.unstall(first);
            }
            report("rollback green -> blue, the first manager stalled mid-move", start, sampler);
        }
        assertLoadOn("blue", "green");
        awaitManagersReachable(Duration.ofSeconds(90));
    }

    @Test
    @Order(4)
    void aFlipStoppedOrKilledInTheMiddleOfAMoveIsFinishedByTheRerun() throws Exception {
        try (Sampler sampler = new Sampler()) {
            Instant start = Instant.now();
            // SIGTERM (Ctrl-C alike) mid-move: berth exits soon and gives the lock back on its way out.
            Process stopped = berth.start("flip", "--from", "blue", "--to", "green", "--yes");
            awaitLock(stopped);
            Instant until = Instant.now().plusSeconds(120);
            while (labelled().isEmpty() && stopped.isAlive() && Instant.now().isBefore(until)) {
                Thread.sleep(50);
            }
            assertFalse(labelled().isEmpty(), "no move began:\n" + berth.err());
            BerthCli.Result status = new BerthCli(otherDir).run(60, "status");
            assertEquals(0, status.exit(), "a flip at work is no disagreement: " + status);
            assertTrue(status.out().contains("(flip blue -> green), at step: move "), status.out());
            stopped.destroy();
            assertTrue(stopped.waitFor(20, TimeUnit.SECONDS), "berth ignored SIGTERM");
            assertEquals(0, get("/configs").size(), "SIGTERM released the lock");

            // SIGKILL in the middle of a move: the lock's step label says move, and a labelled service's update is
            // under way in Swarm (so berth cannot restore it and drop the label in the instant before the kill).
            Process flip = berth.start("flip", "--from", "blue", "--to", "green", "--yes");
            awaitStep(flip, "move ");
            awaitLabelledUpdating(flip);
            flip.destroyForcibly(); // SIGKILL: no finally, no shutdown hook
            assertTrue(flip.waitFor(10, TimeUnit.SECONDS));
            assertFalse(labelled().isEmpty(), "killed mid-move: the label is the crash state");
            BerthCli.Result rerun = berth.run(600, "flip", "--from", "blue", "--to", "green", "--yes");
            assertEquals(0, rerun.exit(), rerun.toString());
            assertTrue(rerun.err().contains("taking over a stale lock"), rerun.err());
            assertTrue(rerun.out().contains("resuming an unfinished move"), rerun.out());
            report("flip blue -> green, stopped, killed and rerun", start, sampler);
        }
        assertLoadOn("green", "blue");
        BerthCli.Result again = berth.run(120, "flip", "--from", "blue", "--to", "green", "--yes");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("nothing to move"), again.out());
        BerthCli.Result status = berth.run(60, "status", "-o", "json");
        assertEquals(0, status.exit(), status.toString());
        JsonNode after = JSON.readTree(status.out());
        assertTrue(after.get("lock").isNull() && after.get("unfinishedMoves").isEmpty(), after.toString());
        for (JsonNode pool : after.get("pools")) {
            assertEquals(pool.get("pool").asText().equals("green"), pool.get("carriesLoad").asBoolean(), pool.toString());
        }
    }

    @Test
    @Order(5)
    void aServiceThatCannotBecomeHealthyOnTheNewPoolStopsTheFlipInTimeAndRollbackWorks() throws Exception {
        // Healthy only on green: its tasks take their node's host name, and the check fails on blue.
        service("fragile", "--replicas", "2", "--constraint", "node.role==worker", "--hostname", "{{.Node.Hostname}}",
                "--health-cmd", "case $(hostname) in blue*) exit 1;; esac", "--health-interval", "1s",
                "--health-retries", "1");
        awaitRunning(Duration.ofSeconds(60));
        OWN.put("fragile", ownSettings("fragile"));
        BerthCli.Result rollback = flipStoppedByThenRolledBack("fragile", "its replacements never healthy");
        assertTrue(rollback.out().contains("move fragile") && rollback.out().contains("resuming"), rollback.out());
        // Its own tasks still run on green: it goes back to its own spec, and Swarm keeps them.
        assertTrue(rollback.err().contains("fragile: move: back to its own spec"), rollback.err());
    }

    @Test
    @Order(6)
    void aServiceWhoseImageTheNewPoolLacksStopsTheFlipInTimeAndRollbackWorks() throws Exception {
        lab.exec("manager", "docker", "service", "rm", "fragile"); // it would stop the flip first
        OWN.remove("fragile");
        // The image is on green's engines only (no registry here): on blue its tasks are rejected, No such image.
        String image = "berth-lab/greenonly:1";
        for (String host : List.of("green1", "green2")) {
            lab.exec(host, "docker", "tag", lab.image(), image);
        }
        lab.exec("manager", "docker", "service", "create", "--detach", "--name", "greenonly", "--replicas", "2",
                "--stop-grace-period", "1s", "--constraint", "node.role==worker", image, "sleep", "3600");
        awaitRunning(Duration.ofSeconds(60));
        OWN.put("greenonly", ownSettings("greenonly"));
        flipStoppedByThenRolledBack("greenonly", "its image missing on blue");
    }

    /**
     * A flip green -> blue that {@code service} stops (exit 1 naming it, its label kept, the lock released, no dip),
     * then a rollback to green (exit 0, no dip) that leaves the load on green with every service's own settings;
     * returns the rollback's result.
     */
    private static BerthCli.Result flipStoppedByThenRolledBack(String service, String why) throws Exception {
        // Each window is watched a little past berth's exit too (Swarm still removes failed replacements then),
        // and so holds enough samples even when a revert alone takes 3 s.
        try (Sampler sampler = new Sampler()) {
            Instant start = Instant.now();
            BerthCli.Result flip = berth.run(300, "flip", "--from", "green", "--to", "blue", "--timeout", "60s",
                    "--yes");
            assertEquals(1, flip.exit(), flip.toString());
            assertTrue(flip.lastLine().contains("not done") && flip.lastLine().contains("service " + service),
                    flip.lastLine());
            assertEquals(List.of(service), labelled(), "its own settings stay in its label");
            assertEquals(0, get("/configs").size(), "the lock is released on failure too");
            System.out.println("FlipIT " + service + ": " + flip.lastLine());
            Thread.sleep(LINGER.toMillis());
            report("flip green -> blue, stopped by " + service + " (" + why + ")", start, sampler);
        }
        BerthCli.Result rollback;
        try (Sampler sampler = new Sampler()) {
            Instant start = Instant.now();
            rollback = berth.run(600, "rollback", "--to", "green", "--yes");
            assertEquals(0, rollback.exit(), rollback.toString());
            Thread.sleep(LINGER.toMillis());
            report("rollback blue -> green after the flip " + service + " stopped", start, sampler);
        }
        assertLoadOn("green", "blue");
        assertEquals(Set.of("green"), poolsRunning(List.of(service)));
        return rollback;
    }

    /** After a flip to {@code to}: the old pool drained, only global tasks there, every service's own settings. */
    private static void assertLoadOn(String to, String old) throws Exception {
        assertEquals(Set.of("drain"), availability(old));
        assertEquals(Set.of("active"), availability(to));
        assertEquals(Set.of(to), poolsRunning(REPLICATED));
        assertEquals(Set.of(), poolsRunning(List.of("everywhere")).stream().filter(old::equals)
                .collect(java.util.stream.Collectors.toSet()), "global tasks stopped on the drained pool");
        assertTrue(poolsRunning(List.of("everywhere")).contains(to));
        Map<String, String> now = new TreeMap<>();
        for (String s : OWN.keySet()) {
            now.put(s, ownSettings(s));
        }
        assertEquals(OWN, now, "every service's own UpdateConfig and RollbackConfig, raw, as before");
        assertEquals(List.of(), labelled());
        assertEquals(0, get("/configs").size(), "the lock is released");
    }

    /** Prints what the sampler saw; no service may ever have been below its replicas. */
    private static void report(String what, Instant start, Sampler sampler) {
        sampler.close();
        String line = String.format(java.util.Locale.ROOT, "%s: %.1f s, %d samples, lowest running/desired %s, "
                + "by task timestamps %s", what, Duration.between(start, Instant.now()).toMillis() / 1000.0,
                sampler.samples, sampler.lowest, sampler.timestampLowest);
        System.out.println("FlipIT " + line);
        assertTrue(sampler.samples > 10, line);
        Set<String> sampled = new HashSet<>(REPLICATED);
        sampled.add(HEALTH + " (healthy)");
        assertTrue(sampler.lowest.keySet().containsAll(sampled), line);
        sampler.ratio.forEach((s, r) -> assertTrue(r >= 1.0, "service " + s
                + " fell below its replicas: " + line + "; its tasks then: " + sampler.tasksAtLowest.get(s)));
        assertTrue(sampler.timestampRatio.keySet().containsAll(REPLICATED), line);
        sampler.timestampRatio.forEach((s, r) -> assertTrue(r >= 1.0, "service " + s
                + " fell below its replicas between two polls (task timestamps): " + line));
    }

    /** Polls a manager (the last) every 200 ms: per replicated service, running tasks over replicas. */
    static final class Sampler implements AutoCloseable {
        final Map<String, Double> ratio = new ConcurrentHashMap<>();
        final Map<String, String> lowest = new ConcurrentHashMap<>();
        /** Each service's tasks (pool:desired/state) when it was at its lowest. */
        final Map<String, String> tasksAtLowest = new ConcurrentHashMap<>();
        /**
         * Each task's running interval by Swarm's own timestamps (Status.Timestamp when it entered running, and
         * when it left it), so a dip shorter than a poll is still seen: per service, the lowest number of tasks
         * running at once at any instant of the window.
         */
        final Map<String, Instant> runningSince = new ConcurrentHashMap<>();
        final Map<String, Instant> runningUntil = new ConcurrentHashMap<>();
        final Map<String, String> serviceOfTask = new ConcurrentHashMap<>();
        final Map<String, Integer> replicasOf = new ConcurrentHashMap<>();
        final Map<String, Double> timestampRatio = new TreeMap<>();
        final Map<String, String> timestampLowest = new TreeMap<>();
        private final Instant begun = Instant.now();
        volatile int samples;
        private volatile boolean stop;
        private final Thread thread = new Thread(this::loop, "sampler");

        Sampler() {
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (!stop) {
                try {
                    Map<String, Integer> replicas = new LinkedHashMap<>();
                    Map<String, String> names = new LinkedHashMap<>();
                    for (JsonNode s : get("/services")) {
                        if (s.path("Spec").path("Mode").has("Replicated")) {
                            replicas.put(s.path("ID").asText(), s.path("Spec").path("Mode").path("Replicated")
                                    .path("Replicas").asInt());
                            names.put(s.path("ID").asText(), s.path("Spec").path("Name").asText());
                        }
                    }
                    Map<String, Integer> running = new LinkedHashMap<>();
                    Set<String> healthy = healthyTasks(HEALTH);
                    int healthyRunning = 0;
                    JsonNode allTasks = get("/tasks");
                    Instant polled = Instant.now();
                    Set<String> listed = new HashSet<>();
                    for (JsonNode t : allTasks) {
                        String name = names.get(t.path("ServiceID").asText());
                        String id = t.path("ID").asText();
                        listed.add(id);
                        if (name == null) {
                            continue;
                        }
                        Instant at = Instant.parse(t.path("Status").path("Timestamp").asText());
                        if ("running".equals(t.path("Status").path("State").asText())) {
                            runningSince.putIfAbsent(id, at);
                            serviceOfTask.put(id, name);
                        } else if (runningSince.containsKey(id)) {
                            runningUntil.putIfAbsent(id, at);
                        }
                    }
                    // A task seen running and gone from the list since: it ended by this poll at the latest.
                    runningSince.keySet().stream().filter(id -> !listed.contains(id) && !runningUntil.containsKey(id))
                            .forEach(id -> runningUntil.put(id, polled));
                    replicas.forEach((id, n) -> replicasOf.put(names.get(id), n));
                    for (JsonNode t : allTasks) {
                        if ("running".equals(t.path("DesiredState").asText())
                                && "running".equals(t.path("Status").path("State").asText())) {
                            running.merge(t.path("ServiceID").asText(), 1, Integer::sum);
                            healthyRunning += healthy.contains(t.path("ID").asText()) ? 1 : 0;
                        }
                    }
                    Map<String, String> poolOf = new LinkedHashMap<>();
                    for (JsonNode n : get("/nodes")) {
                        poolOf.put(n.path("ID").asText(), n.path("Spec").path("Labels").path("berth.pool")
                                .asText("none"));
                    }
                    Map<String, StringBuilder> tasksOf = new LinkedHashMap<>();
                    for (JsonNode t : allTasks) {
                        String state = t.path("Status").path("State").asText();
                        if (!"shutdown".equals(state) && !"complete".equals(state) && !"rejected".equals(state)) {
                            tasksOf.computeIfAbsent(t.path("ServiceID").asText(), k -> new StringBuilder())
                                    .append(' ').append(poolOf.getOrDefault(t.path("NodeID").asText(), "-"))
                                    .append(':').append(t.path("DesiredState").asText()).append('/').append(state);
                        }
                    }
                    for (Map.Entry<String, Integer> e : replicas.entrySet()) {
                        String name = names.get(e.getKey());
                        if (record(name, running.getOrDefault(e.getKey(), 0), e.getValue())) {
                            tasksAtLowest.put(name, String.valueOf(tasksOf.get(e.getKey())).strip());
                        }
                        if (HEALTH.equals(name)) {
                            record(HEALTH + " (healthy)", healthyRunning, e.getValue());
                        }
                    }
                    samples++;
                } catch (Exception e) {
                    // a poll that failed is no sample
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Whether this sample is the service's new lowest. */
        private boolean record(String name, int have, int want) {
            double r = want == 0 ? 1.0 : (double) have / want;
            if (r < ratio.getOrDefault(name, Double.MAX_VALUE)) {
                ratio.put(name, r);
                lowest.put(name, have + "/" + want);
                return true;
            }
            return false;
        }

        /**
         * The tasks of {@code service} whose container its engine reports healthy, asked of every pool host's
         * engine (the task list says running, not healthy).
         */
        private static Set<String> healthyTasks(String service) throws Exception {
            Set<String> out = new HashSet<>();
            String filters = java.net.URLEncoder.encode("{\"label\": [\"com.docker.swarm.service.name=" + service
                    + "\"], \"health\": [\"healthy\"]}", java.nio.charset.StandardCharsets.UTF_8);
            for (JsonNode n : get("/nodes")) {
                if (!n.path("Spec").path("Labels").has("berth.pool")) {
                    continue;
                }
                Path sock = Path.of(lab.get("LAB_DIR"), n.path("Description").path("Hostname").asText(),
                        "docker.sock");
                if (Files.exists(sock)) {
                    for (JsonNode c : unixGet(sock, "/v1.41/containers/json?filters=" + filters)) {
                        out.add(c.path("Labels").path("com.docker.swarm.task.id").asText());
                    }
                }
            }
            return out;
        }

        @Override
        public synchronized void close() {
            if (stop) {
                return;
            }
            stop = true;
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lowestByTimestamps(Instant.now());
        }

        /** Sweeps each service's running intervals over the window: the fewest running at any one instant. */
        private void lowestByTimestamps(Instant ended) {
            Map<String, TreeMap<Instant, Integer>> changes = new TreeMap<>();
            runningSince.forEach((id, since) -> {
                Instant from = since.isBefore(begun) ? begun : since;
                Instant until = runningUntil.getOrDefault(id, ended);
                if (until.isAfter(from)) {
                    TreeMap<Instant, Integer> c = changes.computeIfAbsent(serviceOfTask.get(id), k -> new TreeMap<>());
                    c.merge(from, 1, Integer::sum);
                    c.merge(until, -1, Integer::sum);
                }
            });
            replicasOf.forEach((name, want) -> {
                int now = 0;
                int low = Integer.MAX_VALUE;
                for (Map.Entry<Instant, Integer> e : changes.getOrDefault(name, new TreeMap<>()).entrySet()) {
                    now += e.getValue();
                    if (e.getKey().isBefore(ended)) {
                        low = Math.min(low, now);
                    }
                }
                low = low == Integer.MAX_VALUE ? 0 : low;
                timestampRatio.put(name, want == 0 ? 1.0 : (double) low / want);
                timestampLowest.put(name, low + "/" + want);
            });
        }
    }

    /** One HTTP/1.0 GET to an engine's unix socket (the engine then closes the connection). */
    static JsonNode unixGet(Path sock, String path) throws Exception {
        try (java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(sock))) {
            channel.write(java.nio.ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: engine\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(16384);
            while (channel.read(buffer) >= 0) {
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            String text = answer.toString(java.nio.charset.StandardCharsets.UTF_8);
            if (!text.startsWith("HTTP/1.") || !text.split(" ", 3)[1].startsWith("2")) {
                throw new IllegalStateException("GET " + path + " on " + sock + ": " + text.lines().findFirst()
                        .orElse(""));
            }
            return JSON.readTree(text.substring(text.indexOf("\r\n\r\n") + 4));
        }
    }

    /** Removes each service that exists; a missing one is no error. */
    private static void removeServices(String... names) {
        for (String name : names) {
            try {
                lab.exec("manager", "docker", "service", "rm", name);
            } catch (RuntimeException gone) {
                // not there
            }
        }
    }

    private static void service(String name, String... options) {
        List<String> command = new ArrayList<>(List.of("docker", "service", "create", "--detach", "--name", name,
                "--stop-grace-period", "1s"));
        command.addAll(List.of(options));
        command.addAll(List.of(lab.image(), "sleep", "3600"));
        lab.exec("manager", command.toArray(String[]::new));
    }

    /** Every replicated service runs its replicas, every global one a task per Active node. */
    private static void awaitRunning(Duration within) throws Exception {
        Instant until = Instant.now().plus(within);
        while (true) {
            Map<String, Integer> running = new TreeMap<>();
            for (JsonNode t : get("/tasks")) {
                if ("running".equals(t.path("Status").path("State").asText())
                        && "running".equals(t.path("DesiredState").asText())) {
                    running.merge(t.path("ServiceID").asText(), 1, Integer::sum);
                }
            }
            boolean all = true;
            for (JsonNode s : get("/services")) {
                int want = s.path("Spec").path("Mode").path("Replicated").path("Replicas").asInt(1);
                all &= running.getOrDefault(s.path("ID").asText(), 0) >= want;
            }
            if (all) {
                return;
            }
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("services not running: " + running);
            }
            Thread.sleep(500);
        }
    }

    /** Every manager Reachable and Ready again (the next flip's preflight asks for it). */
    private static void awaitManagersReachable(Duration within) throws Exception {
        Instant until = Instant.now().plus(within);
        String seen = "";
        while (Instant.now().isBefore(until)) {
            StringBuilder states = new StringBuilder();
            boolean all = true;
            for (JsonNode n : get("/nodes")) {
                if (n.path("Spec").path("Role").asText().equals("manager")) {
                    String reach = n.path("ManagerStatus").path("Reachability").asText();
                    all &= "reachable".equals(reach) && "ready".equals(n.path("Status").path("State").asText());
                    states.append(n.path("Description").path("Hostname").asText()).append('=').append(reach).append(' ');
                }
            }
            if (all) {
                return;
            }
            seen = states.toString();
            Thread.sleep(500);
        }
        throw new AssertionError("managers not all reachable: " + seen);
    }

    /** Until a service carrying the move's label has its update under way (UpdateStatus updating). */
    private static void awaitLabelledUpdating(Process flip) throws Exception {
        Instant until = Instant.now().plusSeconds(120);
        while (true) {
            for (JsonNode s : get("/services")) {
                if (s.path("Spec").path("Labels").has(MoveSettings.ORIGINAL_LABEL)
                        && "updating".equals(s.path("UpdateStatus").path("State").asText())) {
                    return;
                }
            }
            assertTrue(flip.isAlive() && Instant.now().isBefore(until), "no labelled service is updating:\n"
                    + berth.err());
            Thread.sleep(20);
        }
    }

    /** Until the lock's holder is at a step whose name begins with {@code step}. */
    private static void awaitStep(Process flip, String step) throws Exception {
        Instant until = Instant.now().plusSeconds(120);
        while (true) {
            for (JsonNode c : get("/configs")) {
                if (c.path("Spec").path("Labels").path("berth.lock.step").asText().startsWith(step)) {
                    return;
                }
            }
            assertTrue(flip.isAlive() && Instant.now().isBefore(until), "the flip never began a step " + step
                    + ":\n" + berth.err());
            Thread.sleep(50);
        }
    }

    private static void awaitLock(Process flip) throws Exception {
        Instant until = Instant.now().plusSeconds(120);
        while (get("/configs").isEmpty()) {
            assertTrue(flip.isAlive() && Instant.now().isBefore(until), "the flip never took the lock:\n"
                    + berth.err());
            Thread.sleep(50);
        }
    }

    /** The pools whose nodes run a task of these services. */
    private static Set<String> poolsRunning(List<String> services) throws Exception {
        Map<String, String> poolOf = new TreeMap<>();
        for (JsonNode n : get("/nodes")) {
            poolOf.put(n.path("ID").asText(), n.path("Spec").path("Labels").path("berth.pool").asText("none"));
        }
        Set<String> ids = new HashSet<>();
        for (JsonNode s : get("/services")) {
            if (services.contains(s.path("Spec").path("Name").asText())) {
                ids.add(s.path("ID").asText());
            }
        }
        Set<String> pools = new HashSet<>();
        for (JsonNode t : get("/tasks")) {
            if (ids.contains(t.path("ServiceID").asText()) && "running".equals(t.path("DesiredState").asText())) {
                pools.add(poolOf.getOrDefault(t.path("NodeID").asText(), "none"));
            }
        }
        return pools;
    }

    private static Set<String> availability(String pool) throws Exception {
        Set<String> out = new HashSet<>();
        for (JsonNode n : get("/nodes")) {
            if (pool.equals(n.path("Spec").path("Labels").path("berth.pool").asText())) {
                out.add(n.path("Spec").path("Availability").asText());
            }
        }
        return out;
    }

    /** The service's own UpdateConfig and RollbackConfig as stored: {@code null} for one it does not set. */
    private static String ownSettings(String service) throws Exception {
        JsonNode spec = get("/services/" + service).path("Spec");
        return raw(spec, "UpdateConfig") + " " + raw(spec, "RollbackConfig");
    }

    private static String raw(JsonNode spec, String field) {
        return spec.has(field) ? spec.get(field).toString() : "null";
    }

    private static List<String> labelled() throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode s : get("/services")) {
            if (s.path("Spec").path("Labels").has(MoveSettings.ORIGINAL_LABEL)) {
                out.add(s.path("Spec").path("Name").asText());
            }
        }
        return out;
    }

    /** The nodes' availability and every service's raw spec and version: what a refused flip must not change. */
    private static String state() throws Exception {
        StringBuilder out = new StringBuilder();
        for (JsonNode n : get("/nodes")) {
            out.append(n.path("ID").asText()).append(' ').append(n.path("Spec").path("Availability").asText())
                    .append('\n');
        }
        for (JsonNode s : get("/services")) {
            out.append(s.path("Version").toString()).append(' ').append(s.path("Spec").toString()).append('\n');
        }
        out.append("configs ").append(get("/configs").size());
        return out.toString();
    }

    static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static void post(String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() < 300, "POST " + path + ": " + r.statusCode() + " " + r.body());
    }
}
