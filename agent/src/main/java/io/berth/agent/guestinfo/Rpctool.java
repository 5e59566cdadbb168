package io.berth.agent.guestinfo;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * open-vm-tools' {@code vmware-rpctool}, as found on PATH: it reads and writes guestinfo through the VMware backdoor.
 * Every call is bounded; one that does not answer in time is killed (with anything it started). A request carries a
 * key and, for info-set, the value {@code ---} only: no secret is ever in a process argument.
 */
final class Rpctool {

    static final String NAME = "vmware-rpctool";
    /** Far more than any bundle's value; what is beyond it is not read. */
    private static final int OUTPUT_LIMIT = 4 << 20;

    private final Path tool;
    private final Duration timeout;

    private Rpctool(Path tool, Duration timeout) {
        this.tool = tool;
        this.timeout = timeout;
    }

    /** The tool in the first PATH directory of {@code env} that holds it, if any. */
    static Optional<Rpctool> find(Map<String, String> env, Duration timeout) {
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, NAME);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(new Rpctool(candidate, timeout));
                }
            }
        }
        return Optional.empty();
    }

    /** {@code info-get}: the key's value, or empty when the VM has no such key (the tool then exits non-zero). */
    Optional<String> get(String key) throws IOException {
        Answer answer = call("info-get " + key, "info-get " + key);
        return answer.exit() == 0 ? Optional.of(answer.output()) : Optional.empty();
    }

    /** {@code info-set}: sets {@code key} to {@code value}, which must be no secret (it is a process argument). */
    void set(String key, String value) throws IOException {
        Answer answer = call("info-set " + key + " " + value, "info-set " + key);
        if (answer.exit() != 0) {
            throw new IOException(NAME + " \"info-set " + key + "\" exited " + answer.exit());
        }
    }

    private record Answer(int exit, String output) {
    }

    /** Runs the tool with {@code request}; errors show {@code shown}, the request without its value. */
    private Answer call(String request, String shown) throws IOException {
        Process process = new ProcessBuilder(tool.toString(), request)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        // Read beside the wait: a value larger than the pipe's buffer would otherwise block the tool forever.
        CompletableFuture<byte[]> output = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (InputStream in = process.getInputStream()) {
                output.complete(in.readNBytes(OUTPUT_LIMIT));
            } catch (IOException e) {
                output.completeExceptionally(e);
            }
        });
        String what = NAME + " \"" + shown + "\"";
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new IOException(what + ": no answer in " + timeout.toMillis() + " ms (killed)");
            }
            // The tool has exited; a child of it that still holds the pipe gets the same bound.
            return new Answer(process.exitValue(),
                    new String(output.get(timeout.toMillis(), TimeUnit.MILLISECONDS), UTF_8).strip());
        } catch (TimeoutException e) {
            kill(process);
            throw new IOException(what + ": its output did not end in " + timeout.toMillis() + " ms (killed)");
        } catch (ExecutionException e) {
            throw new IOException(what + ": cannot read its output", e.getCause());
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IOException(what + ": interrupted");
        }
    }

    /** The tool and whatever it started: a shell stand-in's child would otherwise keep the pipe open. */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
