package io.berth.agent.run;

import io.berth.agent.cli.AgentOptions;
import io.berth.agent.log.Log;
import io.berth.agent.http.AgentMetrics;
import io.berth.config.AgentConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sun.misc.Signal;

/** berth-agent run: the daemon of a worker's whole life. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {
            "Boots as `boot` does, then keeps the host registered and in the Swarm until stopped: a deleted or "
                    + "changed record is restored (checked every reconcile.interval), an engine that left the Swarm "
                    + "or a node a manager removed is rejoined within seconds (a manager's node events and a poll of "
                    + "the local engine), a new address is put in the records. An operator's drain is left in place.",
            "Any failure (PowerDNS or the managers unreachable, a rejected key or token, a conflict) makes it not "
                    + "ready, with the reason in its status, and is retried with capped exponential backoff. It "
                    + "never exits on its own. Once `berth-agent shutdown` starts, it stops healing for good.",
            "SIGTERM: exits 0 within 5 s, without draining (that is what `shutdown` is for).",
            "It serves the HTTP API on api.listen (default 127.0.0.1:9813): /health/live, /health/ready, "
                    + "/v1/status, /v1/facts, /metrics, POST /v1/drain and /v1/activate (bearer token from "
                    + "api.tokenFile; disabled without one)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by SIGTERM or SIGINT", "2:bad usage or config"})
public final class RunCommand implements Callable<Integer> {

    @Mixin
    AgentOptions options;

    @Override
    public Integer call() throws Exception {
        AgentConfig config = options.load();
        CountDownLatch stop = new CountDownLatch(1);
        // Our own handlers: the JVM's default would exit 143; LinuxKit and systemd expect 0 for a clean stop.
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());

        AgentMetrics metrics = new AgentMetrics();
        Daemon daemon = new Daemon(config, metrics);
        daemon.start();
        ApiKeeper api = ApiKeeper.start(config.api(), daemon, metrics);
        stop.await();
        Log.info("run: stopping");
        api.close();
        daemon.close();
        return 0;
    }
}
