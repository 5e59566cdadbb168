package io.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.config.AgentConfig.HostPort;
import io.berth.config.BerthConfig.Dns;
import io.berth.config.BerthConfig.Lab;
import io.berth.config.BerthConfig.Managers;
import io.berth.config.BerthConfig.Pool;
import io.berth.config.BerthConfig.Vsphere;
import io.berth.config.BerthConfig.VsphereVm;
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

class BerthConfigLoaderTest {

    @TempDir
    Path dir;

    private Path pdnsKey;
    private Path agentKey;
    private Path token;
    private Path apiToken;
    private Path ca;
    private Path cert;
    private Path key;
    private Path password;
    /** Every section, the vsphere provider, two pools. */
    private String full;
    /** The required keys only, the lab provider. */
    private String lab;

    @BeforeEach
    void writeFiles() throws IOException {
        pdnsKey = write("pdns.key", "controller-key\n");
        agentKey = write("agent-pdns.key", "agent-key\n");
        token = write("join-token", BundleTest.TOKEN + "\n");
        apiToken = write("api-token", "api-token-secret\n");
        ca = write("ca.pem", "ca-pem\n");
        cert = write("cert.pem", "cert-pem\n");
        key = write("key.pem", "key-pem\n");
        password = write("vc.password", "vc-secret\n");
        full = """
                managers:
                  api: [tcp://10.0.0.2:2376, unix:///run/manager.sock]
                  tls: {ca: %s, cert: %s, key: %s}
                  insecure: false
                dns:
                  api: http://10.0.0.3:8081
                  keyFile: %s
                  serverId: ns1
                  zone: Lab.Example
                  reverseZone: 0.0.10.in-addr.arpa
                agent:
                  dns: {api: "http://10.0.0.3:8081", apiKeyFile: %s, zone: lab.example., ttl: 30}
                  swarm:
                    joinAddrs: [10.0.0.2:2377]
                    joinTokenFile: %s
                    managerApi: [tcp://10.0.0.2:2376]
                    tls: {ca: %s, cert: %s, key: %s}
                    labels: {tier: web}
                  api: {tokenFile: %s}
                pools:
                  blue:
                    size: 3
                    labels: {zone: a}
                    vsphere:
                      template: worker-1.2
                      folder: /dc/vm/berth
                      resourcePool: pool
                      datastore: ds1
                      network: VM Network
                      linkedClone: true
                      extraConfig: {guestinfo.role: worker}
                  green:
                    size: 99
                    vsphere: {template: worker-1.3}
                provider:
                  vsphere:
                    url: https://vc.example/sdk
                    user: berth@vsphere.local
                    passwordFile: %s
                    insecure: true
                    datacenter: DC1
                """.formatted(ca, cert, key, pdnsKey, agentKey, token, ca, cert, key, apiToken, password);
        lab = """
                managers: {api: [tcp://10.0.0.2:2375], insecure: true}
                dns: {api: "http://10.0.0.3:8081", keyFile: %s, zone: lab.example.}
                agent:
                  dns: {api: "http://10.0.0.3:8081", apiKeyFile: %s, zone: lab.example.}
                  swarm: {joinAddrs: [10.0.0.2:2377], joinTokenFile: %s, managerApi: [tcp://10.0.0.2:2375], insecure: true}
                pools:
                  blue: {size: 2}
                provider:
                  lab: {name: blb537}
                """.formatted(pdnsKey, agentKey, token);
    }

    @Test
    void aFullFileLoads() throws IOException {
        Path file = write("berth.yml", full);
        BerthConfig config = BerthConfigLoader.load(file);

        assertEquals(file, config.file());
        assertEquals(new Managers(List.of(URI.create("tcp://10.0.0.2:2376"), URI.create("unix:///run/manager.sock")),
                Optional.of(new AgentConfig.Tls(ca, cert, key)), false), config.managers());
        assertEquals(new Dns(URI.create("http://10.0.0.3:8081"), pdnsKey, "ns1", "lab.example.",
                Optional.of("0.0.10.in-addr.arpa.")), config.dns());
        assertEquals(List.of(
                new Pool("blue", 3, Map.of("berth.pool", "blue", "zone", "a"), Optional.of(new VsphereVm("worker-1.2",
                        Optional.of("/dc/vm/berth"), Optional.of("pool"), Optional.of("ds1"), Optional.of("VM Network"),
                        true, Map.of("guestinfo.role", "worker")))),
                new Pool("green", 99, Map.of("berth.pool", "green"), Optional.of(new VsphereVm("worker-1.3",
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, Map.of())))),
                config.pools());
        assertEquals(new Vsphere(URI.create("https://vc.example/sdk"), "berth@vsphere.local", password, true, "DC1"),
                config.provider());
        AgentConfig section = config.agent().section();
        assertEquals("lab.example.", section.dns().zone());
        assertEquals(agentKey, section.dns().apiKeyFile(), "the controller's file, until a bundle carries it");
        assertEquals(Map.of("tier", "web"), section.swarm().labels());
        assertEquals(Optional.of(apiToken), section.api().tokenFile());
        assertEquals(3, config.pool("blue").orElseThrow().size());
        assertEquals(Optional.empty(), config.pool("red"));
    }

    @Test
    void aMinimalLabFileLoadsWithDefaults() {
        BerthConfig config = parse(lab);
        assertEquals(new Lab("blb537", Optional.empty()), config.provider());
        assertEquals(List.of(new Pool("blue", 2, Map.of("berth.pool", "blue"), Optional.empty())), config.pools());
        assertEquals("localhost", config.dns().serverId());
        assertEquals(Optional.empty(), config.dns().reverseZone());
        assertEquals(Optional.empty(), config.managers().tls());
        assertEquals(new HostPort("10.0.0.3", 53), config.agent().section().dns().nameserver());
        assertEquals(new Lab("blb537", Optional.of(Path.of("/opt/berth-agent/berth-agent"))),
                parse(edit(lab, "{name: blb537}", "{name: blb537, agent: /opt/berth-agent/berth-agent}")).provider());
    }

    @Test
    void managersFaultsAreNamed() {
        assertEquals("managers.api: required", error(edit(lab, "api: [tcp://10.0.0.2:2375], ", "")));
        assertEquals("managers.api: must not be empty", error(edit(lab, "api: [tcp://10.0.0.2:2375], ", "api: [], ")));
        assertEquals("managers.api[0]: not unix:///path or tcp://host:port: \"http://10.0.0.2\"",
                error(edit(lab, "api: [tcp://10.0.0.2:2375], ", "api: [\"http://10.0.0.2\"], ")));
        assertEquals("managers.api: tcp://10.0.0.2:2375 is plain TCP: set managers.tls, or managers.insecure: true "
                + "to allow it", error(edit(lab, "], insecure: true}", "]}")));
        assertEquals("managers.insecure: expected true or false: \"yes\"", error(edit(lab, "insecure: true}", "insecure: yes}")));
        assertEquals("managers.tls.ca: no such file: " + dir.resolve("absent.pem"),
                error(edit(full, "tls: {ca: " + ca, "tls: {ca: " + dir.resolve("absent.pem"))));
        assertEquals("managers.tls.cert: required", error(edit(full, "  tls: {ca: %s, cert: %s, ".formatted(ca, cert),
                "  tls: {ca: %s, ".formatted(ca))));
        assertEquals("managers.tls.colour: unknown key", error(edit(full, "  tls: {ca: %s,".formatted(ca),
                "  tls: {colour: blue, ca: %s,".formatted(ca))));
    }

    @Test
    void dnsFaultsAreNamed() throws IOException {
        assertEquals("dns.api: not an http:// or https:// URL with a host and no query: \"10.0.0.3\"",
                error(edit(lab, "dns: {api: \"http://10.0.0.3:8081\"", "dns: {api: \"10.0.0.3\"")));
        assertEquals("dns.zone: not a DNS name: \"a..b\"", error(edit(lab, "keyFile: %s, zone: lab.example.}"
                .formatted(pdnsKey), "keyFile: %s, zone: a..b}".formatted(pdnsKey))));
        assertEquals("dns.zone: required", error(edit(lab, "keyFile: %s, zone: lab.example.}".formatted(pdnsKey),
                "keyFile: %s}".formatted(pdnsKey))));
        assertEquals("dns.reverseZone: not an in-addr.arpa. zone: \"10.example\"",
                error(edit(full, "reverseZone: 0.0.10.in-addr.arpa", "reverseZone: 10.example")));
        assertEquals("dns.serverId: not a PowerDNS server id (A-Z a-z 0-9 . _ -): \"n s\"",
                error(edit(full, "serverId: ns1", "serverId: n s")));
        assertEquals("dns.keyFile: no such file: " + dir.resolve("absent.key"),
                error(edit(lab, "keyFile: " + pdnsKey, "keyFile: " + dir.resolve("absent.key"))));
        Files.writeString(pdnsKey, "\n");
        assertEquals("dns.keyFile: empty: " + pdnsKey, error(lab));
    }

    @Test
    void agentFaultsAreTheAgentsOwnPrefixedWithAgent() throws IOException {
        assertEquals("agent.dns.zone: not a DNS name: \"a..b\"", error(edit(lab, "apiKeyFile: %s, zone: lab.example.}"
                .formatted(agentKey), "apiKeyFile: %s, zone: a..b}".formatted(agentKey))));
        assertEquals("agent.dns.api: required", error(edit(lab, "dns: {api: \"http://10.0.0.3:8081\", apiKeyFile",
                "dns: {apiKeyFile")));
        assertEquals("agent.colour: unknown key", error(edit(lab, "agent:\n", "agent:\n  colour: blue\n")));
        assertEquals("agent.swarm.managerApi: tcp://10.0.0.2:2375 is plain TCP: set swarm.tls, or swarm.insecure: "
                + "true to allow it", error(edit(lab, "managerApi: [tcp://10.0.0.2:2375], insecure: true}",
                "managerApi: [tcp://10.0.0.2:2375]}")));
        assertEquals("agent.swarm.labels: label key \"berth.pool\" is reserved: berth sets it per pool",
                error(edit(full, "labels: {tier: web}", "labels: {berth.pool: blue}")));
        assertEquals("agent: required", error(lab.substring(0, lab.indexOf("agent:")) + lab.substring(lab.indexOf("pools:"))));
        Files.writeString(token, "SWMTKN-1-hunter2");
        String message = error(lab);
        assertEquals("agent.swarm.joinTokenFile: " + token + " does not hold a Swarm join token (SWMTKN-1-...-...)",
                message);
    }

    @Test
    void theAgentsPerVmKeysAreRefused() {
        assertEquals("agent.host.name: set per VM by berth", error(edit(lab, "agent:\n", "agent:\n  host: {name: w1}\n")));
        assertEquals("agent.host.address: set per VM by berth",
                error(edit(lab, "agent:\n", "agent:\n  host: {address: 10.0.0.9}\n")));
        assertEquals("agent.stateDir: set per VM by berth", error(edit(lab, "agent:\n", "agent:\n  stateDir: /srv\n")));
    }

    @Test
    void poolFaultsAreNamed() {
        assertEquals("pools: required", error(lab.replace("pools:\n  blue: {size: 2}\n", "")));
        assertEquals("pools: must not be empty", error(edit(lab, "pools:\n  blue: {size: 2}\n", "pools: {}\n")));
        assertEquals("pools.Blue: not a pool name (1 to 6 of a-z 0-9, starting with a-z: its VMs are <pool><n>): "
                + "\"Blue\"", error(edit(lab, "  blue: {size: 2}", "  Blue: {size: 2}")));
        assertTrue(error(edit(lab, "  blue: {size: 2}", "  bluebird: {size: 2}")).startsWith("pools.bluebird: not a pool"));
        assertTrue(error(edit(lab, "  blue: {size: 2}", "  1blue: {size: 2}")).startsWith("pools.1blue: not a pool"));
        assertEquals("pools.blue.size: required", error(edit(lab, "  blue: {size: 2}", "  blue: {}")));
        assertEquals("pools.blue: required", error(edit(lab, "  blue: {size: 2}", "  blue:")));
        assertEquals("pools.blue.size: not a whole number from 1 to 99: \"0\"", error(edit(lab, "{size: 2}", "{size: 0}")));
        assertEquals("pools.blue.size: not a whole number from 1 to 99: \"100\"",
                error(edit(lab, "{size: 2}", "{size: 100}")));
        assertEquals("pools.blue.labels: label key \"berth.pool\" is reserved: berth sets it to the pool's name",
                error(edit(lab, "{size: 2}", "{size: 2, labels: {berth.pool: blue}}")));
        assertEquals("pools.blue.labels: label key \"berth.identity\" is reserved: the agent sets it",
                error(edit(lab, "{size: 2}", "{size: 2, labels: {berth.identity: x}}")));
        assertEquals("pools.blue.labels.tier: expected a single value, got a list",
                error(edit(lab, "{size: 2}", "{size: 2, labels: {tier: [a]}}")));
        assertEquals("pools.blue.colour: unknown key", error(edit(lab, "{size: 2}", "{size: 2, colour: blue}")));
        assertEquals("pools.mgr: the lab names its managers mgr<n>: choose another name",
                error(edit(lab, "  blue: {size: 2}", "  mgr: {size: 2}")));
    }

    @Test
    void poolVsphereSettingsFollowTheProvider() {
        assertEquals("pools.blue.vsphere: not for the lab provider",
                error(edit(lab, "{size: 2}", "{size: 2, vsphere: {template: t}}")));
        assertEquals("pools.green.vsphere.template: required: the provider is vsphere",
                error(edit(full, "    size: 99\n    vsphere: {template: worker-1.3}\n", "    size: 99\n")));
        assertEquals("pools.green.vsphere.template: required",
                error(edit(full, "vsphere: {template: worker-1.3}", "vsphere: {folder: f}")));
        assertEquals("pools.blue.vsphere.linkedClone: expected true or false: \"sure\"",
                error(edit(full, "linkedClone: true", "linkedClone: sure")));
        assertEquals("pools.blue.vsphere.network: must be one line of text, not empty: \"\"",
                error(edit(full, "network: VM Network", "network: ''")));
        assertEquals("pools.blue.vsphere.extraConfig: bad value for \"guestinfo.role\": one line of text",
                error(edit(full, "{guestinfo.role: worker}", "{guestinfo.role: \"a\\nb\"}")));
        assertEquals("pools.blue.vsphere.clone: unknown key", error(edit(full, "linkedClone: true", "clone: true")));
    }

    @Test
    void exactlyOneProvider() {
        String both = edit(lab, "  lab: {name: blb537}\n", "  lab: {name: blb537}\n  vsphere: {url: \"https://vc/sdk\"}\n");
        assertEquals("provider: exactly one of lab, vsphere", error(both));
        assertEquals("provider: exactly one of lab, vsphere", error(edit(lab, "  lab: {name: blb537}\n", "  lab:\n")));
        assertEquals("provider: required", error(edit(lab, "provider:\n  lab: {name: blb537}\n", "")));
        assertEquals("provider.docker: unknown key", error(edit(lab, "  lab: {name: blb537}\n", "  docker: {}\n")));
    }

    @Test
    void providerFaultsAreNamed() {
        assertEquals("provider.lab.name: not a lab name (2 to 8 of a-z 0-9): \"Lab\"",
                error(edit(lab, "{name: blb537}", "{name: Lab}")));
        assertEquals("provider.lab.name: required", error(edit(lab, "{name: blb537}", "{agent: /x}")));
        assertEquals("provider.vsphere.url: not an http:// or https:// URL with a host and no query: \"vc\"",
                error(edit(full, "url: https://vc.example/sdk", "url: vc")));
        assertEquals("provider.vsphere.passwordFile: no such file: " + dir.resolve("absent"),
                error(edit(full, "passwordFile: " + password, "passwordFile: " + dir.resolve("absent"))));
        assertEquals("provider.vsphere.datacenter: required", error(edit(full, "    datacenter: DC1\n", "")));
        assertEquals("provider.vsphere.user: required", error(edit(full, "    user: berth@vsphere.local\n", "")));
    }

    @Test
    void unknownDuplicateAndAliasedKeysAreRefused() {
        assertEquals("colour: unknown key", error(lab + "colour: blue\n"));
        assertEquals("pools.blue: duplicate key at line 8", error(edit(lab, "  blue: {size: 2}\n",
                "  blue: {size: 2}\n  blue: {size: 3}\n")));
        assertEquals("pools.green.size: YAML aliases are not supported (line 8)",
                error(edit(lab, "  blue: {size: 2}\n", "  blue: {size: &n 2}\n  green: {size: *n}\n")));
    }

    @Test
    void loadNamesAFileThatIsNotThere() {
        assertEquals("config: no such file: " + dir.resolve("berth.yml"),
                assertThrows(ConfigException.class, () -> BerthConfigLoader.load(dir.resolve("berth.yml"))).getMessage());
        assertEquals("config: empty", error(""));
    }

    private BerthConfig parse(String yaml) {
        return BerthConfigLoader.parse(dir.resolve("berth.yml"), yaml);
    }

    private String error(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
    }

    /** {@code yaml} with one edit; fails if the text to replace is not there, so no test passes vacuously. */
    static String edit(String yaml, String from, String to) {
        assertTrue(yaml.contains(from), () -> "not in the file: " + from);
        return yaml.replace(from, to);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
