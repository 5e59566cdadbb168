package io.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.config.AgentConfig.Api;
import io.berth.config.AgentConfig.Dns;
import io.berth.config.AgentConfig.Host;
import io.berth.config.AgentConfig.HostPort;
import io.berth.config.AgentConfig.Reconcile;
import io.berth.config.AgentConfig.Swarm;
import io.berth.config.AgentConfig.Tls;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** An AgentConfig built in code obeys the rules the loader reads agent.yml with, and says so in the same words. */
class AgentConfigTest {

    private static final URI PDNS = URI.create("http://pdns:8081");
    private static final URI MANAGER = URI.create("tcp://10.0.0.2:2376");
    private static final HostPort JOIN = new HostPort("10.0.0.2", 2377);
    private static final Path KEY = Path.of("/run/config/berth/pdns.key");
    private static final Path TOKEN = Path.of("/run/config/berth/join-token");
    private static final Tls TLS = new Tls(Path.of("/t/ca.pem"), Path.of("/t/cert.pem"), Path.of("/t/key.pem"));

    @Test
    void aConfigBuiltInCodeEqualsTheOneTheLoaderReads() {
        String yaml = """
                dns: {api: "http://pdns:8081", apiKeyFile: /run/config/berth/pdns.key, zone: swarm.example.com.}
                swarm:
                  joinAddrs: [10.0.0.2:2377]
                  joinTokenFile: /run/config/berth/join-token
                  managerApi: [tcp://10.0.0.2:2376]
                  tls: {ca: /t/ca.pem, cert: /t/cert.pem, key: /t/key.pem}
                """;
        assertEquals(ConfigLoader.parse(yaml, Map.of(), ConfigLoader.NamedFiles.UNOPENED),
                config(dns("swarm.example.com.", Optional.empty(), 60), swarm(List.of(MANAGER), Optional.of(TLS),
                        false, Map.of(), Duration.ofSeconds(120)), Path.of("/var/lib/berth")));
    }

    @Test
    void zoneMustBeInPowerDnsForm() {
        assertEquals("dns.zone: not in normal form, which is \"swarm.example.com.\": \"Swarm.Example.com.\"",
                error(() -> dns("Swarm.Example.com.", Optional.empty(), 60)));
        assertEquals("dns.zone: not in normal form, which is \"swarm.example.com.\": \"swarm.example.com\"",
                error(() -> dns("swarm.example.com", Optional.empty(), 60)));
        assertEquals("dns.zone: not a DNS name: \"a..b.\"", error(() -> dns("a..b.", Optional.empty(), 60)));
        assertEquals("dns.zone: required", error(() -> dns(null, Optional.empty(), 60)));
    }

    @Test
    void reverseZoneMustBeAnInAddrArpaZoneInPowerDnsForm() {
        assertEquals("dns.reverseZone: not an in-addr.arpa. zone: \"10.example.com.\"",
                error(() -> dns("swarm.example.com.", Optional.of("10.example.com."), 60)));
        assertEquals("dns.reverseZone: not in normal form, which is \"0.0.10.in-addr.arpa.\": \"0.0.10.in-addr.arpa\"",
                error(() -> dns("swarm.example.com.", Optional.of("0.0.10.in-addr.arpa"), 60)));
        assertEquals("dns.reverseZone: required", error(() -> dns("swarm.example.com.", null, 60)));
    }

    @Test
    void hostNameIsADnsNameWithoutTrailingDot() {
        assertEquals("host.name: not a host name (no trailing dot): \"w1.\"",
                error(() -> new Host(Optional.of("w1."), Optional.empty())));
        assertEquals("host.name: not in normal form, which is \"w1\": \"W1\"",
                error(() -> new Host(Optional.of("W1"), Optional.empty())));
        assertEquals("host.address: not an IPv4 address: \"10.0.0.256\"",
                error(() -> new Host(Optional.empty(), Optional.of("10.0.0.256"))));
    }

    @Test
    void joinAddrsAndManagerApiMustNotBeEmpty() {
        assertEquals("swarm.joinAddrs: must not be empty", error(() -> new Swarm(URI.create("unix:///var/run/docker.sock"),
                List.of(), TOKEN, List.of(MANAGER), Optional.of(TLS), false, Map.of(), true, Duration.ofSeconds(1))));
        assertEquals("swarm.managerApi: must not be empty",
                error(() -> swarm(List.of(), Optional.of(TLS), false, Map.of(), Duration.ofSeconds(1))));
        assertEquals("swarm.managerApi[0]: not unix:///path or tcp://host:port: \"tcp://10.0.0.2\"",
                error(() -> swarm(List.of(URI.create("tcp://10.0.0.2")), Optional.of(TLS), false, Map.of(),
                        Duration.ofSeconds(1))));
    }

    @Test
    void plainTcpNeedsTlsOrInsecureInTheLoadersWords() {
        assertEquals("swarm.managerApi: tcp://10.0.0.2:2376 is plain TCP: set swarm.tls, or swarm.insecure: true "
                + "to allow it", error(() -> swarm(List.of(MANAGER), Optional.empty(), false, Map.of(),
                        Duration.ofSeconds(1))));
        assertEquals(true, swarm(List.of(MANAGER), Optional.empty(), true, Map.of(), Duration.ofSeconds(1)).insecure());
    }

    @Test
    void labelsFollowTheAgentsRulesAndAreCopied() {
        assertEquals("swarm.labels: label key \"berth.identity\" is reserved: the agent sets it",
                error(() -> swarm(List.of(MANAGER), Optional.of(TLS), false, Map.of("berth.identity", "x"),
                        Duration.ofSeconds(1))));
        Map<String, String> labels = new HashMap<>(Map.of("tier", "web"));
        Swarm swarm = swarm(List.of(MANAGER), Optional.of(TLS), false, labels, Duration.ofSeconds(1));
        labels.put("tier", "db");
        assertEquals(Map.of("tier", "web"), swarm.labels());
    }

    @Test
    void ttlIsAtLeastOne() {
        assertEquals("dns.ttl: not a whole number from 1 to 2147483647: \"0\"",
                error(() -> dns("swarm.example.com.", Optional.empty(), 0)));
        assertEquals("dns.ttl: not a whole number from 1 to 2147483647: \"-5\"",
                error(() -> dns("swarm.example.com.", Optional.empty(), -5)));
    }

    @Test
    void durationsArePositiveAndSayableInTheConfigsSyntax() {
        assertEquals("swarm.drainTimeout: must be more than 0: \"PT0S\"",
                error(() -> swarm(List.of(MANAGER), Optional.of(TLS), false, Map.of(), Duration.ZERO)));
        assertEquals("reconcile.interval: must be more than 0: \"PT-1S\"",
                error(() -> new Reconcile(Duration.ofSeconds(-1))));
        assertEquals("reconcile.interval: not a whole number of milliseconds: \"PT0.0000001S\"",
                error(() -> new Reconcile(Duration.ofNanos(100))));
        assertEquals("reconcile.interval: required", error(() -> new Reconcile(null)));
    }

    @Test
    void stateDirIsAbsolute() {
        assertEquals("stateDir: not an absolute path: \"relative\"", error(() -> config(
                dns("swarm.example.com.", Optional.empty(), 60), swarm(List.of(MANAGER), Optional.of(TLS), false,
                        Map.of(), Duration.ofSeconds(1)), Path.of("relative"))));
    }

    @Test
    void hostPortsAreCheckedByTheFieldThatHoldsThem() {
        assertEquals("api.listen: not a whole number from 1 to 65535: \"0\"",
                error(() -> new Api(new HostPort("127.0.0.1", 0), Optional.empty())));
        assertEquals("api.listen.host: required", error(() -> new Api(new HostPort(null, 9813), Optional.empty())));
        assertEquals("dns.nameserver: not a DNS name: \"a b\"", error(() -> new Dns(PDNS, KEY, "localhost",
                "swarm.example.com.", Optional.empty(), new HostPort("a b", 53), 60, "berth")));
        assertEquals(new HostPort("PDNS", 53), new Dns(URI.create("http://PDNS:8081"), KEY, "localhost",
                "swarm.example.com.", Optional.empty(), new HostPort("PDNS", 53), 60, "berth").nameserver(),
                "a nameserver keeps the case of the API's host it defaults to");
    }

    @Test
    void requiredPartsAreNamed() {
        assertEquals("dns: required", error(() -> new AgentConfig(new Host(Optional.empty(), Optional.empty()), null,
                swarm(List.of(MANAGER), Optional.of(TLS), false, Map.of(), Duration.ofSeconds(1)),
                new Reconcile(Duration.ofSeconds(1)), new Api(new HostPort("127.0.0.1", 1), Optional.empty()),
                Path.of("/x"))));
        assertEquals("dns.api: required", error(() -> new Dns(null, KEY, "localhost", "swarm.example.com.",
                Optional.empty(), new HostPort("pdns", 53), 60, "berth")));
        assertEquals("tls.key: required", error(() -> new Tls(Path.of("/ca"), Path.of("/cert"), null)));
        assertEquals("dns.apiKeyFile: not a path: \"\"", error(() -> new Dns(PDNS, Path.of(""), "localhost",
                "swarm.example.com.", Optional.empty(), new HostPort("pdns", 53), 60, "berth")));
    }

    static Dns dns(String zone, Optional<String> reverseZone, int ttl) {
        return new Dns(PDNS, KEY, "localhost", zone, reverseZone, new HostPort("pdns", 53), ttl, "berth");
    }

    static Swarm swarm(List<URI> managerApi, Optional<Tls> tls, boolean insecure, Map<String, String> labels,
                       Duration drainTimeout) {
        return new Swarm(URI.create("unix:///var/run/docker.sock"), List.of(JOIN), TOKEN, managerApi, tls, insecure,
                labels, true, drainTimeout);
    }

    static AgentConfig config(Dns dns, Swarm swarm, Path stateDir) {
        return new AgentConfig(new Host(Optional.empty(), Optional.empty()), dns, swarm,
                new Reconcile(Duration.ofSeconds(30)), new Api(new HostPort("127.0.0.1", 9813), Optional.empty()),
                stateDir);
    }

    private static String error(Executable build) {
        return assertThrows(ConfigException.class, build).getMessage();
    }
}
