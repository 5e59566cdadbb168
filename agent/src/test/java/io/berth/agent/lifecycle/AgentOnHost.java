package io.berth.agent.lifecycle;

import io.berth.lab.LabEnv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real berth-agent (the built launcher, a JVM of its own) run inside one lab host's namespaces, with a
 * config written from the lab's env and a state directory of its own.
 */
final class AgentOnHost {

    static final Path LAUNCHER = Path.of("target/berth-agent").toAbsolutePath();

    final LabEnv lab;
    final String host;
    final Path config;
    final Path stateDir;
    private final String engine;

    /** An agent on a lab host, its engine at {@code engine}, with the default config. */
    AgentOnHost(LabEnv lab, String host, String engine, Path dir) {
        this.lab = lab;
        this.host = host;
        this.engine = engine;
        this.stateDir = dir.resolve(host + "-state");
        this.config = dir.resolve(host + ".yml");
        write(defaultYaml());
    }

    /** An agent on a lab worker. */
    AgentOnHost(LabEnv lab, String host, Path dir) {
        this(lab, host, lab.host(host).sock(), dir);
    }

    String defaultYaml() {
        return """
                dns:
                  api: %s
                  apiKeyFile: %s
                  serverId: %s
                  zone: %s
                  reverseZone: %s
                  nameserver: %s
                  ttl: 60
                swarm:
                  engine: %s
                  joinAddrs: [%s]
                  joinTokenFile: %s
                  managerApi: [%s]
                  insecure: true
                  labels: {berth.pool: blue}
                  drainTimeout: 60s
                stateDir: %s
                """.formatted(lab.pdnsApi(), lab.pdnsKeyFile(), lab.pdnsServerId(), lab.zone(), lab.reverseZone(),
                lab.nameserver(), engine, lab.joinAddr(), lab.joinTokenFile(), lab.managerApi(),
                stateDir);
    }

    void write(String yaml) {
        try {
            Files.writeString(config, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String fqdn() {
        return host.toLowerCase(Locale.ROOT) + "." + lab.zone();
    }

    /** The default config plus top-level YAML (e.g. a host: section). */
    void withExtra(String topLevelYaml) {
        write(defaultYaml() + topLevelYaml);
    }

    /** Adds top-level YAML (e.g. an api: section) to the config as it is now. */
    void append(String topLevelYaml) {
        try {
            Files.writeString(config, Files.readString(config) + topLevelYaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The default config with one line replaced (e.g. the joinAddrs line); fails if the line is not there. */
    void replaceLine(String startsWith, String newLine) {
        String yaml = defaultYaml();
        String old = yaml.lines().filter(l -> l.strip().startsWith(startsWith)).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + startsWith));
        String indent = old.substring(0, old.indexOf(old.strip()));
        write(yaml.replace(old, indent + newLine));
    }

    /** Runs one agent command to its end (at most {@code timeoutSeconds}). */
    Result run(int timeoutSeconds, String... args) {
        Process process = start(args);
        try {
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(process));
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("berth-agent " + String.join(" ", args) + " still ran after "
                        + timeoutSeconds + " s:\n" + output.join());
            }
            Result result = new Result(process.exitValue(), output.join());
            System.out.printf("[%s] berth-agent %s -> %d%n%s", host, String.join(" ", args), result.exit(),
                    result.output());
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    Result run(String... args) {
        return run(120, args);
    }

    /** Starts an agent command with its config; stdout and stderr merged. */
    Process start(String... args) {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(Arrays.asList(args));
        command.addAll(List.of("--config", config.toString()));
        try {
            return lab.inHost(host, command.toArray(String[]::new)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Process process) {
        try {
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a process's merged output into {@code log} (line by line, as it comes) until it ends; once a line
     * contains {@code marker} (null: never), runs {@code atMarker} (a stall, a kill) on this thread.
     */
    static void follow(Process process, StringBuilder log, String marker, Runnable atMarker) {
        try (var lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            boolean seen = false;
            for (String line; (line = lines.readLine()) != null; ) {
                synchronized (log) {
                    log.append(line).append('\n');
                }
                if (!seen && marker != null && line.contains(marker)) {
                    seen = true;
                    atMarker.run();
                }
            }
        } catch (IOException ended) {
            // The process is gone.
        }
    }

    /** Starts {@code berth-agent run}; its log is collected as it comes (a full pipe would block it). */
    Daemon startDaemon() {
        return new Daemon(start("run", "--log-level", "debug"));
    }

    /** A running {@code berth-agent run}. */
    static final class Daemon {
        final Process process;
        private final StringBuffer log = new StringBuffer();
        private final Thread reader;

        Daemon(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (var lines = new java.io.BufferedReader(
                        new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        log.append(line).append('\n');
                    }
                } catch (IOException ended) {
                    // The process is gone.
                }
            }, "agent-log");
            reader.setDaemon(true);
            reader.start();
        }

        String log() {
            return log.toString();
        }

        /** SIGTERM, then its exit code; fails the test if it is still running after {@code seconds}. */
        int terminate(int seconds) throws InterruptedException {
            process.destroy();
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("berth-agent run still ran " + seconds + " s after SIGTERM:\n" + log());
            }
            reader.join(2000);
            return process.exitValue();
        }
    }

    /** An agent run's exit code and its log. */
    record Result(int exit, String output) {
        boolean says(String text) {
            return output.contains(text);
        }
    }
}
