package io.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.berth.config.AgentConfig.HostPort;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentConfigWriterTest {

    private static final String MINIMAL = """
            dns:
              api: http://pdns:8081
              apiKeyFile: /run/config/berth/pdns.key
              zone: swarm.example.com.
            swarm:
              joinAddrs: [10.0.0.2:2377]
              joinTokenFile: /run/config/berth/join-token
              managerApi: [unix:///run/manager.sock]
            """;

    /** Every key set, none to its default, and values YAML would otherwise read as something else. */
    private static final String FULL = """
            host: {name: W1, address: 10.0.0.5}
            dns:
              api: https://pdns:8081/
              apiKeyFile: /run/config/berth/pdns key
              serverId: ns1
              zone: Swarm.Example.COM
              reverseZone: 0.0.10.IN-ADDR.ARPA
              nameserver: 10.0.0.3:5353
              ttl: 30
              owner: berth-test
            swarm:
              engine: tcp://127.0.0.1:2375
              joinAddrs: [10.0.0.2, "managers.example.com:2378"]
              joinTokenFile: /run/config/berth/join-token
              managerApi: [tcp://10.0.0.2:2376, unix:///run/manager.sock]
              tls: {ca: /t/ca.pem, cert: /t/cert.pem, key: "/t/\\"key\\".pem"}
              insecure: true
              labels: {tier: web, berth.pool: blue, quoted: "say \\"hi\\" \\\\ there", octal: "010", truth: "yes",
                       nothing: "null", unicode: "bl\u00e5\\u2028b\u00e6r", colon: "a: b", empty: ""}
              activateWhenReady: false
              drainTimeout: 90000ms
            reconcile: {interval: 1500ms}
            api: {listen: "[::1]:9900", tokenFile: /run/config/berth/api-token}
            stateDir: /srv/berth
            """;

    @Test
    void theMinimalConfigIsWrittenInFullAndReadsBackEqual() {
        AgentConfig config = parse(MINIMAL);
        String yaml = AgentConfigWriter.yaml(config);
        assertEquals("""
                dns:
                  api: "http://pdns:8081"
                  apiKeyFile: "/run/config/berth/pdns.key"
                  serverId: "localhost"
                  zone: "swarm.example.com."
                  ttl: 60
                  owner: "berth"
                swarm:
                  engine: "unix:///var/run/docker.sock"
                  joinAddrs:
                    - "10.0.0.2:2377"
                  joinTokenFile: "/run/config/berth/join-token"
                  managerApi:
                    - "unix:///run/manager.sock"
                  insecure: false
                  labels: {}
                  activateWhenReady: true
                  drainTimeout: "2m"
                reconcile:
                  interval: "30s"
                api:
                  listen: "127.0.0.1:9813"
                stateDir: "/var/lib/berth"
                """, yaml);
        assertEquals(config, parse(yaml));
    }

    @Test
    void theFullConfigReadsBackEqualWithEveryKeyWritten() {
        AgentConfig config = parse(FULL);
        String yaml = AgentConfigWriter.yaml(config);
        assertEquals(config, parse(yaml), yaml);
        Map<String, Object> tree = Yaml.root(yaml);
        for (ConfigKey key : ConfigKeys.all()) {
            Object node = tree;
            for (String name : key.path().split("\\.")) {
                node = ((Map<?, ?>) node).get(name);
                assertNotNull(node, key.path() + " is not written:\n" + yaml);
            }
        }
    }

    @Test
    void aDefaultNameserverStaysDrawnFromTheApi() {
        AgentConfig config = parse(MINIMAL.replace("http://pdns:8081", "http://PDNS.Example:8081"));
        assertEquals(new HostPort("PDNS.Example", 53), config.dns().nameserver());
        assertEquals(config, parse(AgentConfigWriter.yaml(config)));
    }

    @Test
    void aConfigBuiltInCodeReadsBackEqualAndLabelOrderDoesNotChangeTheOutput() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("zone", "a");
        labels.put("berth.pool", "blue");
        Map<String, String> reversed = new LinkedHashMap<>();
        reversed.put("berth.pool", "blue");
        reversed.put("zone", "a");
        AgentConfig one = AgentConfigTest.config(AgentConfigTest.dns("swarm.example.com.",
                Optional.of("0.0.10.in-addr.arpa."), 5), swarm(labels), Path.of("/x"));
        AgentConfig other = AgentConfigTest.config(AgentConfigTest.dns("swarm.example.com.",
                Optional.of("0.0.10.in-addr.arpa."), 5), swarm(reversed), Path.of("/x"));
        assertEquals(one, parse(AgentConfigWriter.yaml(one)));
        assertEquals(AgentConfigWriter.yaml(one), AgentConfigWriter.yaml(other));
    }

    private static AgentConfig.Swarm swarm(Map<String, String> labels) {
        return new AgentConfig.Swarm(URI.create("unix:///var/run/docker.sock"), List.of(new HostPort("m1", 2377)),
                Path.of("/token"), List.of(URI.create("tcp://m1:2375")), Optional.empty(), true, labels, true,
                Duration.ofMillis(1));
    }

    /** The files the config names are not on this machine: their checks are off, as for a VM's config. */
    private static AgentConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, Map.of(), ConfigLoader.NamedFiles.UNOPENED);
    }
}
