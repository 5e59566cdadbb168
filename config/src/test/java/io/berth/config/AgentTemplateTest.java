package io.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.config.Bundle.BundleFile;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each VM's bundle from berth.yml's agent section: the VM's paths, its name and labels, the controller's secrets. */
class AgentTemplateTest {

    @TempDir
    Path dir;

    private Path agentKey;
    private Path token;
    private Path apiToken;
    private Path ca;
    private Path cert;
    private Path key;
    private String yaml;

    @BeforeEach
    void writeFiles() throws IOException {
        Path pdnsKey = write("pdns.key", "controller-key\n");
        agentKey = write("agent-pdns.key", "  hunter2-agent-key\n");
        token = write("join-token", BundleTest.TOKEN + "\n");
        apiToken = write("api-token", "hunter2-api-token\n");
        ca = write("ca.pem", "-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n");
        cert = write("cert.pem", "-----BEGIN CERTIFICATE-----\ncert\n-----END CERTIFICATE-----\n");
        key = write("key.pem", "-----BEGIN PRIVATE KEY-----\nhunter2\n-----END PRIVATE KEY-----\n");
        yaml = """
                managers: {api: [tcp://10.0.0.2:2375], insecure: true}
                dns: {api: "http://10.0.0.3:8081", keyFile: %s, zone: lab.example.}
                agent:
                  dns: {api: "http://10.0.0.3:8081", apiKeyFile: %s, zone: lab.example., reverseZone: 0.0.10.in-addr.arpa.}
                  swarm:
                    joinAddrs: [10.0.0.2:2377]
                    joinTokenFile: %s
                    managerApi: [tcp://10.0.0.2:2376]
                    tls: {ca: %s, cert: %s, key: %s}
                    labels: {tier: web, zone: a}
                    drainTimeout: 30s
                  api: {tokenFile: %s}
                pools:
                  blue: {size: 2, labels: {zone: b}}
                provider:
                  lab: {name: blb537}
                """.formatted(pdnsKey, agentKey, token, ca, cert, key, apiToken);
    }

    @Test
    void aBundleIsTheSectionWithTheVmsNamePathsAndLabels() {
        BerthConfig berth = load(yaml);
        Path root = dir.resolve("vms/blue1");
        Bundle bundle = berth.agent().bundle("blue1", berth.pool("blue").orElseThrow().labels(), root,
                Optional.of(URI.create("unix:///run/blue1/docker.sock")));
        AgentConfig section = berth.agent().section();
        AgentConfig config = bundle.config();

        assertEquals(root.resolve("etc/berth/agent.yml"), bundle.configFile());
        assertEquals(new AgentConfig.Host(Optional.of("blue1"), Optional.empty()), config.host());
        assertEquals(root.resolve("var/lib/berth"), config.stateDir());
        assertEquals(URI.create("unix:///run/blue1/docker.sock"), config.swarm().engine());
        assertEquals(Map.of("tier", "web", "zone", "b", "berth.pool", "blue"), config.swarm().labels(),
                "the section's labels, then the pool's");
        assertEquals(section.dns().zone(), config.dns().zone());
        assertEquals(section.dns().reverseZone(), config.dns().reverseZone());
        assertEquals(section.swarm().drainTimeout(), config.swarm().drainTimeout());
        assertEquals(section.swarm().managerApi(), config.swarm().managerApi());

        Path etc = root.resolve("etc/berth");
        assertEquals(List.of(
                new BundleFile(etc.resolve("agent.yml"), AgentConfigWriter.yaml(config), false),
                new BundleFile(etc.resolve("secrets/dns-api-key"), "hunter2-agent-key\n", true),
                new BundleFile(etc.resolve("secrets/join-token"), BundleTest.TOKEN + "\n", true),
                new BundleFile(etc.resolve("secrets/api-token"), "hunter2-api-token\n", true),
                new BundleFile(etc.resolve("tls/ca.pem"), read(ca), true),
                new BundleFile(etc.resolve("tls/cert.pem"), read(cert), true),
                new BundleFile(etc.resolve("tls/key.pem"), read(key), true)), bundle.files());
        assertEquals(config, ConfigLoader.parse(bundle.files().getFirst().content(), Map.of(),
                ConfigLoader.NamedFiles.UNOPENED));
    }

    @Test
    void withoutAnEngineTheSectionsIsKept() {
        BerthConfig berth = load(yaml);
        assertEquals(URI.create("unix:///var/run/docker.sock"), berth.agent().bundle("blue1", Map.of(),
                Path.of("/"), Optional.empty()).config().swarm().engine());
        assertEquals(Path.of("/etc/berth/secrets/join-token"), berth.agent().bundle("blue1", Map.of(),
                Path.of("/"), Optional.empty()).config().swarm().joinTokenFile(), "a VM of its own: root is /");
    }

    @Test
    void secretsAreReadAtEachBundleAndAFaultNamesThePathOnly() throws IOException {
        BerthConfig berth = load(yaml);
        Files.writeString(token, "SWMTKN-1-hunter2\n");
        String message = assertThrows(ConfigException.class,
                () -> berth.agent().bundle("blue1", Map.of(), Path.of("/vm"), Optional.empty())).getMessage();
        assertEquals("agent.swarm.joinTokenFile: " + token + " does not hold a Swarm join token (SWMTKN-1-...-...)",
                message);
        Files.writeString(token, BundleTest.TOKEN);
        Files.delete(key);
        assertEquals("agent.swarm.tls.key: no such file: " + key, assertThrows(ConfigException.class,
                () -> berth.agent().bundle("blue1", Map.of(), Path.of("/vm"), Optional.empty())).getMessage());
        write("key.pem", " \n");
        assertEquals("agent.swarm.tls.key: empty: " + key, assertThrows(ConfigException.class,
                () -> berth.agent().bundle("blue1", Map.of(), Path.of("/vm"), Optional.empty())).getMessage());
        Files.writeString(agentKey, "\n");
        assertEquals("agent.dns.apiKeyFile: empty: " + agentKey, assertThrows(ConfigException.class,
                () -> berth.agent().bundle("blue1", Map.of(), Path.of("/vm"), Optional.empty())).getMessage());
    }

    @Test
    void theVmsValuesAreCheckedByTheAgentsRules() {
        AgentTemplate template = load(yaml).agent();
        assertEquals("host.name: not a host name (no trailing dot): \"blue1.\"", assertThrows(ConfigException.class,
                () -> template.bundle("blue1.", Map.of(), Path.of("/vm"), Optional.empty())).getMessage());
        assertEquals("swarm.labels: label key \"berth.identity\" is reserved: the agent sets it",
                assertThrows(ConfigException.class, () -> template.bundle("blue1", Map.of("berth.identity", "x"),
                        Path.of("/vm"), Optional.empty())).getMessage());
        assertEquals("root: not an absolute path: \"vm\"", assertThrows(ConfigException.class,
                () -> template.bundle("blue1", Map.of(), Path.of("vm"), Optional.empty())).getMessage());
    }

    @Test
    void aTemplateBuiltInCodeMayNotNameItsHost() {
        AgentConfig section = load(yaml).agent().section();
        AgentConfig named = new AgentConfig(new AgentConfig.Host(Optional.of("w1"), Optional.empty()), section.dns(),
                section.swarm(), section.reconcile(), section.api(), section.stateDir());
        assertEquals("agent.host.name: set per VM by berth",
                assertThrows(ConfigException.class, () -> new AgentTemplate(named)).getMessage());
    }

    @Test
    void noBundleMessageOrToStringShowsASecret() {
        Bundle bundle = load(yaml).agent().bundle("blue1", Map.of(), Path.of("/vm"), Optional.empty());
        assertFalse(bundle.toString().contains("hunter2"), bundle.toString());
        assertFalse(bundle.files().toString().contains("hunter2"), bundle.files().toString());
    }

    private BerthConfig load(String text) {
        return BerthConfigLoader.parse(dir.resolve("berth.yml"), text);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
