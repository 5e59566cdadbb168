package io.berth.controller.provider.lab;

import io.berth.controller.provider.ProviderException;
import io.berth.controller.provider.ProviderException.Kind;
import java.io.File;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs the provider's external commands: each one bounded, killed with its whole process tree past its bound. */
final class Commands {

    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final File DEV_NULL = new File("/dev/null");

    private Commands() {
    }

    /** A finished command: its exit code and its stdout and stderr, merged. */
    record Result(int exit, String output) {

        /** The last non-blank line of the output, empty if none. */
        String lastLine() {
            List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "" : lines.getLast().strip();
        }

        /** The lab script's own error line ({@code lab: error: …}), the last one if several. */
        Optional<String> labError() {
            return output.lines().filter(l -> l.startsWith("lab: error: ")).reduce((a, b) -> b).map(String::strip);
        }
    }

    /**
     * The environment of every process the provider starts: PATH, JAVA_HOME (the agent's launcher looks there
     * first) and LAB_ROOT (where the lab script finds its labs), nothing else: the agent refuses to start with a
     * {@code BERTH_*} variable it does not know, and berth's own settings are none of a lab host's business.
     */
    static Map<String, String> cleanEnvironment(Map<String, String> ours) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", ours.getOrDefault("PATH", DEFAULT_PATH));
        for (String key : List.of("JAVA_HOME", "LAB_ROOT")) {
            if (ours.get(key) != null && !ours.get(key).isBlank()) {
                env.put(key, ours.get(key));
            }
        }
        return env;
    }

    /**
     * Runs {@code command} to its end within {@code timeout}; its output goes to a temporary file, not a pipe, so a
     * daemon it leaves behind holding the pipe cannot hang us. The file is unlinked the moment we hold it open, before
     * the command starts: the command writes to it through our own descriptor ({@code /proc/self/fd/N}, opened by
     * this JVM for the redirect), so a berth SIGKILLed at any point leaves nothing in /tmp. Fails (naming
     * {@code vm}) only when it cannot be started, times out or is interrupted; a non-zero exit is the caller's to
     * judge.
     */
    static Result run(List<String> command, Duration timeout, String vm) {
        String what = Path.of(command.getFirst()).getFileName() + (command.size() > 1 ? " " + command.get(1) : "");
        Process process = null;
        try (Unlinked output = Unlinked.create()) {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(DEV_NULL)
                    .redirectOutput(output.descriptor().toFile())
                    .redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(cleanEnvironment(System.getenv()));
            process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process.toHandle());
                throw new ProviderException(Kind.TIMEOUT, vm, what + ": no end within " + seconds(timeout) + " (killed)");
            }
            return new Result(process.exitValue(), output.readAll());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (process != null) {
                killTree(process.toHandle());
            }
            throw new ProviderException(Kind.TRANSIENT, vm, what + ": interrupted (killed)");
        } catch (IOException e) {
            throw new ProviderException(Kind.FAILED, vm, "cannot run " + what + ": " + e.getMessage());
        }
    }

    /**
     * A new, empty temporary file, open for reading and writing and already unlinked (its name exists for
     * microseconds), with the {@code /proc/self/fd/N} path of its descriptor: Java does not expose N, so it is found
     * by the link's target, the fresh temp name marked "(deleted)".
     */
    private record Unlinked(FileChannel channel, Path descriptor) implements AutoCloseable {

        static Unlinked create() throws IOException {
            Path path = Files.createTempFile("berth-provider-", ".out");
            FileChannel channel;
            try {
                channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } finally {
                Files.delete(path);
            }
            String target = path + " (deleted)";
            try (var fds = Files.list(Path.of("/proc/self/fd"))) {
                for (Path fd : (Iterable<Path>) fds::iterator) {
                    try {
                        if (Files.readSymbolicLink(fd).toString().equals(target)) {
                            return new Unlinked(channel, fd);
                        }
                    } catch (IOException closedMeanwhile) {
                        // another thread's descriptor (or the listing's own), closed while we looked: not ours
                    }
                }
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            channel.close();
            throw new IOException("cannot find the descriptor of a temporary file in /proc/self/fd");
        }

        String readAll() throws IOException {
            channel.position(0);
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Runs a lab command that must succeed; its failure is the lab's own error line, naming the VM. */
    static Result lab(List<String> command, Duration timeout, String vm) {
        Result result = run(command, timeout, vm);
        if (result.exit() != 0) {
            throw failure(result, "lab " + command.get(1), vm);
        }
        return result;
    }

    static ProviderException failure(Result result, String what, String vm) {
        Optional<String> labError = result.labError();
        if (labError.isPresent()) {
            return new ProviderException(kindOf(labError.get()), vm, labError.get());
        }
        String last = result.lastLine();
        return new ProviderException(Kind.FAILED, vm, what + " exited " + result.exit() + (last.isEmpty() ? "" : ": " + last));
    }

    /** The kind of fault a lab error line tells of. */
    static Kind kindOf(String labError) {
        if (labError.contains("has no host") || labError.contains("no lab named") || labError.contains("no lab exists")) {
            return Kind.NOT_FOUND;
        }
        if (labError.contains("already exists")) {
            return Kind.CONFLICT;
        }
        if (labError.contains("invalid") || labError.contains("reserved") || labError.contains("usage")
                || labError.contains("unknown")) {
            return Kind.INVALID;
        }
        return Kind.FAILED;
    }

    /** SIGKILLs a process and every descendant it has now (collected first: once it dies, they are reparented). */
    static void killTree(ProcessHandle root) {
        List<ProcessHandle> descendants = root.descendants().toList();
        root.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
