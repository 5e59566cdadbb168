package io.berth.controller.provider.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.controller.provider.ProviderException;
import io.berth.controller.provider.ProviderException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandsTest {

    @TempDir
    Path dir;

    @Test
    void aCommandsOutputAndExitAreReturned() {
        Commands.Result r = Commands.run(List.of("sh", "-c", "echo one; echo two >&2; exit 3"), Duration.ofSeconds(10), "blue1");
        assertEquals(3, r.exit());
        assertEquals("one\ntwo\n", r.output());
        assertEquals("two", r.lastLine());
    }

    @Test
    void whileACommandRunsItsOutputFileHasNoNameSoAKilledBerthLeavesNothing() throws Exception {
        // The command looks at its own stdout: the file must already be unlinked when the command starts. (Another
        // thread's file has a name for the microseconds between its creation and its unlink, so a listing of /tmp
        // from a concurrent command may see it: that is no fault, and a loaded machine showed it.)
        String look = "readlink /proc/self/fd/1";
        List<Thread> threads = new java.util.ArrayList<>();
        List<String> outputs = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        for (int i = 0; i < 8; i++) {
            String me = "run" + i;
            threads.add(Thread.ofPlatform().start(() -> outputs.add(Commands.run(
                    List.of("sh", "-c", "echo " + me + "; " + look), Duration.ofSeconds(10), me).output())));
        }
        for (Thread t : threads) {
            t.join();
        }
        // Eight at once: each got its own output (no descriptor mix-up), in a file of its own that had no name.
        assertEquals(8, outputs.size());
        java.util.Set<String> files = new java.util.HashSet<>();
        String tmp = System.getProperty("java.io.tmpdir");
        for (int i = 0; i < 8; i++) {
            String me = "run" + i;
            String out = outputs.stream().filter(o -> o.startsWith(me + "\n")).findFirst().orElseThrow(
                    () -> new AssertionError(me + " missing: " + outputs));
            String file = out.substring(me.length() + 1).strip();
            assertTrue(file.matches(java.util.regex.Pattern.quote(tmp) + "/berth-provider-[^/]*\\.out \\(deleted\\)"),
                    me + ": " + out);
            files.add(file);
        }
        assertEquals(8, files.size(), "a file each: " + outputs);
    }

    @Test
    void theLabsOwnErrorLineIsTheMessageAndTellsTheKind() {
        Commands.Result r = new Commands.Result(1, """
                [lab 23:30:16] blue1: starting dockerd (10.213.19.11)
                lab: error: host 'blue1' already exists in lab pv1
                """);
        ProviderException e = Commands.failure(r, "lab add-host", "blue1");
        assertEquals("blue1: lab: error: host 'blue1' already exists in lab pv1", e.getMessage());
        assertEquals(Kind.CONFLICT, e.kind());
        assertEquals(Optional.of("blue1"), e.vm());
        assertEquals(Kind.NOT_FOUND, Commands.kindOf("lab: error: lab 'pv1' has no host 'blue9' (hosts: dns manager)"));
        assertEquals(Kind.NOT_FOUND, Commands.kindOf("lab: error: no lab named 'pv9' under /var/lib/berth-lab"));
        assertEquals(Kind.INVALID, Commands.kindOf("lab: error: host name 'dns' is reserved"));
        assertEquals(Kind.FAILED, Commands.kindOf("lab: error: add-host: blue1 failed to start"));
        assertEquals("blue1: lab stop exited 1: something broke",
                Commands.failure(new Commands.Result(1, "something broke\n\n"), "lab stop", "blue1").getMessage());
    }

    @Test
    void pastItsBoundACommandIsKilledWithItsWholeTree() throws Exception {
        Path pid = dir.resolve("child.pid");
        long start = System.nanoTime();
        ProviderException e = assertThrows(ProviderException.class, () -> Commands.run(
                List.of("sh", "-c", "sleep 60 & echo $! >" + pid + "; wait"), Duration.ofMillis(500), "blue1"));
        assertEquals(Kind.TIMEOUT, e.kind());
        assertEquals("blue1: sh -c: no end within 0.5 s (killed)", e.getMessage());
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
        long child = Long.parseLong(Files.readString(pid).strip());
        assertTrue(AgentProcess.awaitGone(child, Duration.ofSeconds(5)), "the grandchild is gone too");
    }

    @Test
    void aProcessGetsPathJavaHomeAndLabRootOnly() {
        Map<String, String> env = Commands.cleanEnvironment(Map.of("PATH", "/bin", "JAVA_HOME", "/jdk",
                "BERTH_STATE_DIR", "/x", "LAB_ROOT", "/labs", "HOME", "/root", "LAB_NAME", "other"));
        assertEquals(Map.of("PATH", "/bin", "JAVA_HOME", "/jdk", "LAB_ROOT", "/labs"), env);
        assertFalse(Commands.cleanEnvironment(Map.of()).isEmpty(), "a PATH always");
        String out = Commands.run(List.of("sh", "-c", "env"), Duration.ofSeconds(5), null).output();
        assertFalse(out.contains("BERTH_"), out);
    }
}
