package io.berth.agent.run;

import io.berth.agent.http.AgentStatus;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.agent.cli.AgentOptions;
import io.berth.config.AgentConfig;
import io.berth.config.StatusConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** berth-agent status: what the running agent says, else what the last one left in stateDir. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Prints the status of the agent running on this host (GET /v1/status on api.listen), or, "
                + "when none runs, the last status it wrote to stateDir.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:a running agent answered and is ready", "1:not ready, not running, or no status known",
            "2:bad usage or config"})
public final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    AgentOptions options;

    @Option(names = "--json", description = "Print the status as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        StatusConfig config = options.loadForStatus(); // no secret file is opened: any user may ask
        Optional<AgentStatus> live = running(config.apiListen());
        Optional<AgentStatus> status = live.or(() -> lastWritten(config.stateDir()));
        if (status.isEmpty()) {
            System.err.println("no agent runs here and " + config.stateDir() + " holds no status");
            return 1;
        }
        if (json) {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(status.get()));
        } else {
            print(status.get(), live.isPresent());
        }
        return live.isPresent() && status.get().ready() ? 0 : 1;
    }

    /** The last status a daemon wrote to {@code stateDir}, if any. */
    public static Optional<AgentStatus> lastWritten(java.nio.file.Path stateDir) {
        return StatusBoard.load(stateDir);
    }

    /** What the agent running on this host (API on {@code listen}) says, if one answers within 2 s. */
    public static Optional<AgentStatus> running(AgentConfig.HostPort listen) {
        // An agent listening on every address is reached on loopback.
        String host = listen.host().equals("0.0.0.0") || listen.host().equals("::") ? "127.0.0.1" : listen.host();
        URI uri = URI.create("http://" + new AgentConfig.HostPort(host, listen.port()) + "/v1/status");
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    ? Optional.of(JSON.readValue(response.body(), AgentStatus.class)) : Optional.empty();
        } catch (IOException notRunning) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static void print(AgentStatus s, boolean live) {
        System.out.println("phase:       " + s.phase() + (live ? "" : " (last known: no agent answers now)"));
        System.out.println("ready:       " + s.ready() + (s.ready() ? "" : " (" + s.notReadyReason() + ")"));
        System.out.println("host:        " + s.fqdn() + " " + s.address() + " identity " + s.identity());
        System.out.println("api:         " + s.api());
        System.out.println("record:      " + s.record().state() + " A " + s.record().a()
                + (s.record().ptr().isEmpty() ? "" : ", PTR " + s.record().ptr()));
        System.out.println("node:        " + s.node().id() + " " + s.node().state() + " " + s.node().availability()
                + (s.drainedBy().isEmpty() ? "" : " (drained by " + s.drainedBy() + ")"));
        for (Map.Entry<String, String> label : s.node().labels().entrySet()) {
            System.out.println("  label      " + label.getKey() + "=" + label.getValue());
        }
        System.out.println("reconciled:  " + s.lastReconcile());
        if (!s.lastRepair().isEmpty()) {
            System.out.println("last repair: " + s.lastRepairKind() + " at " + s.lastRepair());
        }
        if (!s.lastError().isEmpty()) {
            System.out.println("last error:  " + s.lastError() + " at " + s.lastErrorAt());
        }
    }
}
