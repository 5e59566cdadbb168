package io.berth.controller;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real berth (the built launcher, a JVM of its own) run in a working directory, as a user runs it. */
public final class BerthCli {

    public static final Path LAUNCHER = Path.of("target/berth").toAbsolutePath();

    private final Path dir;

    public BerthCli(Path dir) {
        this.dir = dir;
    }

    /** What one run printed, and its exit code. */
    public record Result(int exit, String out, String err) {
        public String lastLine() {
            List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    public Result run(int timeoutSeconds, String... args) {
        try {
            Process p = start(args);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("berth " + String.join(" ", args) + " still ran after " + timeoutSeconds
                        + " s:\n" + Files.readString(dir.resolve("berth.err")));
            }
            return new Result(p.exitValue(), Files.readString(dir.resolve("berth.out")),
                    Files.readString(dir.resolve("berth.err")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Started, its output going to berth.out and berth.err in the working directory. */
    public Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("berth.out").toFile()).redirectError(dir.resolve("berth.err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("BERTH_"));
        return pb.start();
    }

    public String err() {
        try {
            return Files.readString(dir.resolve("berth.err"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
