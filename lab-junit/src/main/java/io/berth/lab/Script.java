package io.berth.lab;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** How the fixtures run their scripts (lab/lab, lab/vcsim/vcsim) and read the {@code KEY=value} env they print. */
final class Script {

    private Script() {
    }

    /**
     * Runs {@code script} with {@code args} (stdin /dev/null, its stderr to ours) and returns its stdout; past
     * {@code timeoutSeconds} it is killed, and that or a non-zero exit fails, naming {@code label} and the args.
     */
    static String run(String label, Path script, List<String> args, long timeoutSeconds) {
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(label + " " + String.join(" ", args) + ": no answer in "
                        + timeoutSeconds + " s");
            }
            String out = stdout.join();
            if (process.exitValue() != 0) {
                throw new IllegalStateException(label + " " + String.join(" ", args) + " exited "
                        + process.exitValue() + (out.isBlank() ? " (its error is on stderr)" : ": " + out.strip()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + label + " " + args, e);
        }
    }

    /** The {@code PREFIX…=value} lines of a script's output. */
    static Map<String, String> env(String output, String prefix) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (line.startsWith(prefix) && eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return Map.copyOf(values);
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
