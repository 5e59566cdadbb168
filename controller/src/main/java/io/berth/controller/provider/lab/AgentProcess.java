package io.berth.controller.provider.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A VM's {@code berth-agent run}, known by its pid file. The process is not ours (it outlives berth), so a pid is
 * believed only while {@code /proc} shows a live process (not a zombie) whose arguments are {@code run --config
 * <that VM's config>}: a reused pid is someone else. The arguments hold through the whole exec chain ({@code
 * setsid}, the lab script, {@code nsenter}, the launcher, {@code java}).
 */
final class AgentProcess {

    private static final Path PROC = Path.of("/proc");

    private AgentProcess() {
    }

    /** The pid of the VM's running agent, empty when none runs (no pid file, a dead or reused pid). */
    static OptionalLong running(Path pidFile, Path config) {
        OptionalLong pid = readPid(pidFile);
        return pid.isPresent() && isAgent(pid.getAsLong(), config) ? pid : OptionalLong.empty();
    }

    static OptionalLong readPid(Path pidFile) {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(pidFile).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    static void writePid(Path pidFile, long pid) throws IOException {
        Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
        Files.writeString(tmp, pid + "\n");
        Files.move(tmp, pidFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static boolean isAgent(long pid, Path config) {
        return alive(pid) && cmdline(pid).map(args -> isRunOf(args, config)).orElse(false);
    }

    /** Whether these are the arguments of {@code run} with this config. */
    static boolean isRunOf(List<String> args, Path config) {
        int at = args.indexOf("--config");
        return args.contains("run") && at >= 0 && at + 1 < args.size() && args.get(at + 1).equals(config.toString());
    }

    /** Exists and is not a zombie (a dead child nobody reaped yet: PID 1 here may never reap it). */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            int end = stat.lastIndexOf(')');   // the command name may hold spaces and parentheses
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) != 'Z' && stat.charAt(end + 2) != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    static Optional<List<String>> cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            return Optional.of(Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Sends SIGTERM (or SIGKILL when {@code grace} is zero) and waits up to {@code grace} for the process to end,
     * then SIGKILLs it; returns once it is gone (a few seconds at most after SIGKILL).
     */
    static void stop(long pid, Duration grace) throws InterruptedException {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return;
        }
        if (grace.isZero()) {
            handle.get().destroyForcibly();
        } else {
            handle.get().destroy();
            if (awaitGone(pid, grace)) {
                return;
            }
            handle.get().destroyForcibly();
        }
        awaitGone(pid, Duration.ofSeconds(5));
    }

    static boolean awaitGone(long pid, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (alive(pid)) {
            if (System.nanoTime() >= end) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }
}
