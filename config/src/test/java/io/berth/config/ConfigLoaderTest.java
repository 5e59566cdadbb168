package io.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.config.AgentConfig.HostPort;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

    private static final String TOKEN =
            "SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx";

    @TempDir
    Path dir;

    private Path apiKey;
    private Path token;
    private Path ca;
    private Path cert;
    private Path key;
    /** The required keys only, plus TLS so that the tcp:// manager is allowed. */
    private String minimal;

    @BeforeEach
    void writeFiles() throws IOException {
        apiKey = write("pdns.key", "api-key-secret\n");
        token = write("join-token", TOKEN + "\n");
        ca = write("ca.pem", "ca");
        cert = write("cert.pem", "cert");
        key = write("key.pem", "tls-key-secret");
        minimal = """
                dns:
                  api: http://pdns:8081
                  apiKeyFile: %s
                  zone: swarm.example.com.
                swarm:
                  joinAddrs: [10.0.0.2:2377]
                  joinTokenFile: %s
                  managerApi: [tcp://10.0.0.2:2376]
                  tls: {ca: %s, cert: %s, key: %s}
                """.formatted(apiKey, token, ca, cert, key);
    }

    @Test
    void fullConfigParsesNormalised() {
        AgentConfig config = parse("""
                host: {name: W1, address: 10.0.0.5}
                dns:
                  api: https://pdns:8081/
                  apiKeyFile: %s
                  serverId: ns1
                  zone: Swarm.Example.COM
                  reverseZone: 0.0.10.IN-ADDR.ARPA
                  nameserver: 10.0.0.3
                  ttl: 30
                  owner: berth-test
                swarm:
                  engine: tcp://127.0.0.1:2375
                  joinAddrs: [10.0.0.2, "managers.example.com:2378"]
                  joinTokenFile: %s
                  managerApi: [tcp://10.0.0.2:2376, unix:///run/manager.sock]
                  tls: {ca: %s, cert: %s, key: %s}
                  insecure: false
                  labels: {berth.pool: blue, tier: web}
                  activateWhenReady: false
                  drainTimeout: 2m
                reconcile: {interval: 10s}
                api: {listen: "0.0.0.0:9900", tokenFile: %s}
                stateDir: /srv/berth
                """.formatted(apiKey, token, ca, cert, key, apiKey), Map.of());

        assertEquals(new AgentConfig.Host(Optional.of("w1"), Optional.of("10.0.0.5")), config.host());
        assertEquals(new AgentConfig.Dns(URI.create("https://pdns:8081/"), apiKey, "ns1", "swarm.example.com.",
                Optional.of("0.0.10.in-addr.arpa."), new HostPort("10.0.0.3", 53), 30, "berth-test"), config.dns());
        assertEquals(new AgentConfig.Swarm(URI.create("tcp://127.0.0.1:2375"),
                List.of(new HostPort("10.0.0.2", 2377), new HostPort("managers.example.com", 2378)), token,
                List.of(URI.create("tcp://10.0.0.2:2376"), URI.create("unix:///run/manager.sock")),
                Optional.of(new AgentConfig.Tls(ca, cert, key)), false, Map.of("berth.pool", "blue", "tier", "web"),
                false, Duration.ofMinutes(2)), config.swarm());
        assertEquals(new AgentConfig.Reconcile(Duration.ofSeconds(10)), config.reconcile());
        assertEquals(new AgentConfig.Api(new HostPort("0.0.0.0", 9900), Optional.of(apiKey)), config.api());
        assertEquals(Path.of("/srv/berth"), config.stateDir());
    }

    @Test
    void absentOptionalKeysTakeTheirDefaults() {
        AgentConfig config = parse(minimal, Map.of());

        assertEquals(new AgentConfig.Host(Optional.empty(), Optional.empty()), config.host());
        assertEquals("localhost", config.dns().serverId());
        assertEquals(Optional.empty(), config.dns().reverseZone());
        assertEquals(new HostPort("pdns", 53), config.dns().nameserver(), "the API's host, port 53");
        assertEquals(60, config.dns().ttl());
        assertEquals("berth", config.dns().owner());
        assertEquals(URI.create("unix:///var/run/docker.sock"), config.swarm().engine());
        assertFalse(config.swarm().insecure());
        assertEquals(Map.of(), config.swarm().labels());
        assertTrue(config.swarm().activateWhenReady());
        assertEquals(Duration.ofSeconds(120), config.swarm().drainTimeout());
        assertEquals(Duration.ofSeconds(30), config.reconcile().interval());
        assertEquals(new AgentConfig.Api(new HostPort("127.0.0.1", 9813), Optional.empty()), config.api(),
                "loopback, and no token file: the POST endpoints stay disabled");
        assertEquals(Path.of("/var/lib/berth"), config.stateDir());
    }

    @Test
    void theRunDaemonsKeysComeFromTheEnvironmentToo() {
        AgentConfig config = parse(minimal, Map.of("BERTH_RECONCILE_INTERVAL", "500ms",
                "BERTH_API_LISTEN", "127.0.0.1:9999", "BERTH_API_TOKEN_FILE", apiKey.toString()));
        assertEquals(Duration.ofMillis(500), config.reconcile().interval());
        assertEquals(new AgentConfig.Api(new HostPort("127.0.0.1", 9999), Optional.of(apiKey)), config.api());
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(minimal, Map.of("BERTH_API_TOKEN_FILE", dir.resolve("absent").toString())));
        assertEquals("api.tokenFile", e.field());
    }

    @Test
    void loadReadsTheGivenFile() throws IOException {
        Path file = write("agent.yml", minimal);

        assertEquals("swarm.example.com.", ConfigLoader.load(Optional.of(file), Map.of()).dns().zone());
    }

    @Test
    void locateTakesTheExplicitPathElseTheFirstDefaultThatExists() throws IOException {
        Path explicit = write("mine.yml", "");
        Path second = write("second.yml", "");

        assertEquals(explicit, ConfigLoader.locate(Optional.of(explicit), List.of(second)));
        assertEquals(second, ConfigLoader.locate(Optional.empty(), List.of(dir.resolve("absent.yml"), second)));
    }

    @Test
    void locateFailsWhenNoFileExists() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.locate(Optional.empty(), List.of(dir.resolve("absent.yml"))));
        assertEquals("config", e.field());
        assertEquals("config: no such file: " + dir.resolve("x.yml"), assertThrows(ConfigException.class,
                () -> ConfigLoader.locate(Optional.of(dir.resolve("x.yml")), List.of())).getMessage());
    }

    @Test
    void missingRequiredKeyIsNamed() {
        assertEquals("dns.zone: required", error(edit("  zone: swarm.example.com.\n", "")));
    }

    @Test
    void unknownTopLevelKeyIsNamed() {
        assertEquals("colour: unknown key", error(minimal + "colour: blue\n"));
    }

    @Test
    void unknownNestedKeyIsNamedByItsFullPath() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(edit("  tls:", "  tlss:"), Map.of()));
        assertEquals("swarm.tlss: unknown key", e.getMessage());
        assertEquals("swarm.tlss", e.field());
    }

    @Test
    void dottedKeyIsNotAShortcutForNesting() {
        assertEquals("dns.ttl: unknown key", error(minimal + "dns.ttl: 5\n"));
    }

    @Test
    void wrongShapeIsNamed() {
        assertEquals("dns.zone: expected a single value, got a list",
                error(edit("zone: swarm.example.com.", "zone: [swarm.example.com.]")));
        assertEquals("swarm.joinAddrs: expected a list, got a single value",
                error(edit("joinAddrs: [10.0.0.2:2377]", "joinAddrs: 10.0.0.2:2377")));
        assertEquals("host: expected a mapping, got a single value", error(minimal + "host: w1\n"));
    }

    @Test
    void duplicateKeyIsRejected() {
        assertEquals("dns.zone: duplicate key at line 5", error(edit("  zone: swarm.example.com.\n",
                "  zone: swarm.example.com.\n  zone: other.example.com.\n")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a..b", "-a.example.com", "a-.example.com", "a b.com", ".", "a.example.com..",
            "a-label-of-64-characters-is-one-too-many-for-dns-aaaaaaaaaaaaaaa.com"})
    void zoneMustBeADnsName(String zone) {
        assertEquals("dns.zone: not a DNS name: \"" + zone + "\"", error(edit("swarm.example.com.", "'" + zone + "'")));
    }

    @Test
    void zoneAllowsUnderscoresAndAtMost253Characters() {
        String label = "a".repeat(63);
        String longest = String.join(".", label, label, label, "a".repeat(61)); // 253 characters
        assertEquals("_tcp.swarm.example.com.", parse(edit("swarm.example.com.", "_tcp.swarm.example.com"), Map.of())
                .dns().zone());
        assertEquals(longest + ".", parse(edit("swarm.example.com.", longest), Map.of()).dns().zone());
        assertTrue(error(edit("swarm.example.com.", longest + "a")).startsWith("dns.zone: not a DNS name: "));
    }

    @Test
    void reverseZoneMustBeUnderInAddrArpa() {
        assertEquals("dns.reverseZone: not an in-addr.arpa. zone: \"10.example.com\"",
                error(minimal.replace("dns:\n", "dns:\n  reverseZone: 10.example.com\n")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://pdns:8081", "http://pdns:8081/api?x=1", "http:///api", "pdns:8081", "http://a b"})
    void apiMustBeAnHttpUrlWithAHostAndNoQuery(String api) {
        assertEquals("dns.api: " + (api.contains(" ") ? "not a URL: " : "not an http:// or https:// URL with a "
                + "host and no query: ") + "\"" + api + "\"", error(edit("http://pdns:8081", "'" + api + "'")));
    }

    @Test
    void hostAddressMustBeAnIpv4Literal() {
        assertEquals("host.address: not an IPv4 address: \"10.0.0.256\"", error(minimal + "host: {address: 10.0.0.256}"));
        assertEquals("host.address: not an IPv4 address: \"w1.example.com\"",
                error(minimal + "host: {address: w1.example.com}"));
    }

    @Test
    void listItemErrorNamesItsIndex() {
        assertEquals("swarm.joinAddrs[1]: not a whole number from 1 to 65535: \"99999\"",
                error(edit("[10.0.0.2:2377]", "[10.0.0.2:2377, 10.0.0.3:99999]")));
    }

    @Test
    void emptyRequiredListIsRejected() {
        assertEquals("swarm.joinAddrs: must not be empty", error(edit("[10.0.0.2:2377]", "[]")));
    }

    @Test
    void managerApiMustBeTcpHostPortOrUnixPath() {
        assertEquals("swarm.managerApi[0]: not unix:///path or tcp://host:port: \"tcp://10.0.0.2\"",
                error(edit("tcp://10.0.0.2:2376", "tcp://10.0.0.2")));
        assertEquals("swarm.managerApi[0]: not unix:///path or tcp://host:port: \"unix://run/docker.sock\"",
                error(edit("tcp://10.0.0.2:2376", "unix://run/docker.sock")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"120", "0s", "1.5s", "-5s", "2d", "s"})
    void drainTimeoutMustBeAPositiveDurationWithAUnit(String timeout) {
        assertTrue(error(minimal + "  drainTimeout: '" + timeout + "'\n").startsWith("swarm.drainTimeout: "));
    }

    @Test
    void ttlMustBePositive() {
        assertEquals("dns.ttl: not a whole number from 1 to 2147483647: \"0\"",
                error(minimal.replace("dns:\n", "dns:\n  ttl: 0\n")));
    }

    @Test
    void ownerLongerThan40CharactersIsRejected() {
        String owner = "o".repeat(41);
        assertEquals("dns.owner: must be 1 to 40 of A-Z a-z 0-9 . _ -: \"" + owner + "\"",
                error(minimal.replace("dns:\n", "dns:\n  owner: " + owner + "\n")));
    }

    @Test
    void badLabelKeyIsRejected() {
        assertEquals("swarm.labels: bad label key \"Berth.Pool\": at most 128 of a-z 0-9 . _ -, starting and ending "
                + "with a-z 0-9", error(minimal + "  labels: {Berth.Pool: blue}\n"));
        assertTrue(error(minimal + "  labels: {" + "k".repeat(129) + ": v}\n").startsWith("swarm.labels: bad label key"));
    }

    @Test
    void identityLabelIsReservedForTheAgent() {
        assertEquals("swarm.labels: label key \"berth.identity.host\" is reserved: the agent sets it",
                error(minimal + "  labels: {berth.identity.host: w1}\n"));
    }

    @Test
    void labelValueMustBeShortWithoutControlCharacters() {
        assertTrue(error(minimal + "  labels: {tier: \"a\\tb\"}\n").startsWith("swarm.labels: bad value for label"));
        assertTrue(error(minimal + "  labels: {tier: " + "v".repeat(257) + "}\n")
                .startsWith("swarm.labels: bad value for label"));
    }

    @Test
    void missingApiKeyFileIsRejected() {
        assertEquals("dns.apiKeyFile: no such file: " + dir.resolve("absent.key"),
                error(edit(apiKey.toString(), dir.resolve("absent.key").toString())));
        assertEquals("dns.apiKeyFile: not a regular file: " + dir, error(edit(apiKey.toString(), dir.toString())));
    }

    @Test
    void emptyApiKeyFileIsRejected() throws IOException {
        Files.writeString(apiKey, " \n");
        assertEquals("dns.apiKeyFile: empty: " + apiKey, error(minimal));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hunter2-not-a-token", "SWMTKN-1-abc123hunter2", "SWMTKN-1-ABC-hunter2",
            "SWMTKN-1-abc-hunter2 extra"})
    void malformedJoinTokenIsRejectedWithoutShowingIt(String content) throws IOException {
        Files.writeString(token, content);
        String message = error(minimal);
        assertEquals("swarm.joinTokenFile: " + token + " does not hold a Swarm join token (SWMTKN-1-...-...)", message);
        assertFalse(message.contains("hunter2"), message);
    }

    @Test
    void plainTcpManagerApiNeedsTlsOrInsecure() {
        String plain = edit("  tls: {ca: %s, cert: %s, key: %s}\n".formatted(ca, cert, key), "");
        assertEquals("swarm.managerApi: tcp://10.0.0.2:2376 is plain TCP: set swarm.tls, or swarm.insecure: true "
                + "to allow it", error(plain));
        assertTrue(parse(plain + "  insecure: true\n", Map.of()).swarm().insecure());
        assertEquals(List.of(URI.create("unix:///run/manager.sock")),
                parse(plain.replace("tcp://10.0.0.2:2376", "unix:///run/manager.sock"), Map.of()).swarm().managerApi());
    }

    @Test
    void tlsNeedsAllThreeFiles() {
        assertEquals("swarm.tls.cert: required", error(edit("cert: " + cert + ", ", "")));
        assertEquals("swarm.tls.ca: required", error(edit("{ca: %s, cert: %s, key: %s}".formatted(ca, cert, key), "{}")));
    }

    @Test
    void tlsFilesMustBeReadable() {
        assertEquals("swarm.tls.key: no such file: " + dir.resolve("absent.pem"),
                error(edit(key.toString(), dir.resolve("absent.pem").toString())));
    }

    @Test
    void envOverridesScalars() {
        AgentConfig config = parse(minimal, Map.of("BERTH_DNS_ZONE", "Other.Example.com", "BERTH_STATE_DIR", "/data",
                "BERTH_HOST_ADDRESS", "10.0.0.9", "BERTH_DNS_TTL", "5", "PATH", "/usr/bin"));
        assertEquals("other.example.com.", config.dns().zone());
        assertEquals(Path.of("/data"), config.stateDir());
        assertEquals(Optional.of("10.0.0.9"), config.host().address());
        assertEquals(5, config.dns().ttl());
    }

    @Test
    void envOverridesLists() {
        assertEquals(List.of(new HostPort("10.0.0.2", 2377), new HostPort("10.0.0.3", 2377)),
                parse(minimal, Map.of("BERTH_SWARM_JOIN_ADDRS", "10.0.0.2:2377, 10.0.0.3")).swarm().joinAddrs());
    }

    @Test
    void envOverridesMaps() {
        assertEquals(Map.of("berth.pool", "blue", "tier", "web"),
                parse(minimal, Map.of("BERTH_SWARM_LABELS", "berth.pool=blue,tier=web")).swarm().labels());
        assertEquals("swarm.labels (BERTH_SWARM_LABELS): expected key=value, got \"tier\"",
                error(minimal, Map.of("BERTH_SWARM_LABELS", "berth.pool=blue,tier")));
    }

    @Test
    void envOverridesBooleans() {
        assertFalse(parse(minimal, Map.of("BERTH_SWARM_ACTIVATE_WHEN_READY", "false")).swarm().activateWhenReady());
        assertEquals("swarm.activateWhenReady (BERTH_SWARM_ACTIVATE_WHEN_READY): expected true or false: \"no\"",
                error(minimal, Map.of("BERTH_SWARM_ACTIVATE_WHEN_READY", "no")));
    }

    @Test
    void envOverridesNestedTlsKeys() throws IOException {
        Path otherCa = write("other-ca.pem", "ca");
        assertEquals(otherCa, parse(minimal, Map.of("BERTH_SWARM_TLS_CA", otherCa.toString())).swarm().tls()
                .orElseThrow().ca());
    }

    @Test
    void envAloneCanSupplyRequiredKeys() {
        AgentConfig config = parse("stateDir: /var/lib/berth\n", Map.of(
                "BERTH_DNS_API", "http://pdns:8081",
                "BERTH_DNS_API_KEY_FILE", apiKey.toString(),
                "BERTH_DNS_ZONE", "swarm.example.com",
                "BERTH_SWARM_JOIN_ADDRS", "10.0.0.2",
                "BERTH_SWARM_JOIN_TOKEN_FILE", token.toString(),
                "BERTH_SWARM_MANAGER_API", "tcp://10.0.0.2:2376",
                "BERTH_SWARM_INSECURE", "true"));
        assertEquals("swarm.example.com.", config.dns().zone());
        assertEquals(apiKey, config.dns().apiKeyFile());
    }

    @Test
    void envSettingOneTlsKeyAsksForAllThree() {
        String noTls = edit("  tls: {ca: %s, cert: %s, key: %s}\n".formatted(ca, cert, key), "  insecure: true\n");
        assertEquals("swarm.tls.cert: required", error(noTls, Map.of("BERTH_SWARM_TLS_CA", ca.toString())));
    }

    @Test
    void unknownBerthVariableIsRejected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(minimal, Map.of("BERTH_DNS_ZONES", "x")));
        assertEquals("BERTH_DNS_ZONES: unknown variable", e.getMessage());
        assertEquals("BERTH_DNS_ZONES", e.field());
    }

    @Test
    void invalidEnvValueNamesFieldAndVariable() {
        assertEquals("dns.zone (BERTH_DNS_ZONE): not a DNS name: \"a..b\"",
                error(minimal, Map.of("BERTH_DNS_ZONE", "a..b")));
        assertEquals("swarm.joinAddrs[1] (BERTH_SWARM_JOIN_ADDRS): not an IPv4 address: \"10.0.0.300\"",
                error(minimal, Map.of("BERTH_SWARM_JOIN_ADDRS", "10.0.0.2,10.0.0.300")));
    }

    @Test
    void yamlSyntaxErrorIsOneLine() {
        assertEquals("config: not valid YAML at line 2", error("stateDir: /srv\ndns: zone: a\nswarm: {}\n"));
    }

    @Test
    void emptyOrNonMappingDocumentIsAConfigError() {
        assertEquals("config: empty", error(""));
        assertEquals("config: empty", error("# nothing\n"));
        assertEquals("config: expected a mapping, got a list", error("- dns\n"));
        assertEquals("config: more than one YAML document", error(minimal + "---\nstateDir: /x\n"));
    }

    @Test
    void yamlAliasIsRejected() {
        assertEquals("swarm.labels.tier: YAML aliases are not supported (line 2)",
                error("stateDir: &dir /srv\nswarm: {labels: {tier: *dir}}\n"));
    }

    @Test
    void messagesEscapeWhatTheyQuote() {
        assertEquals("dns.zone (BERTH_DNS_ZONE): not a DNS name: \"a\\u000ab\"",
                error(minimal, Map.of("BERTH_DNS_ZONE", "a\nb")));
    }

    @Test
    void statusLoadsWithoutLookingAtTheFilesTheConfigNames() throws IOException {
        // None of these can be opened as a file: absent, or a directory. load() would stop at the first one.
        Path absent = dir.resolve("absent");
        Path directory = Files.createDirectory(dir.resolve("a-directory"));
        String unreadable = minimal.replace(apiKey.toString(), absent.toString())
                .replace(token.toString(), directory.toString())
                .replace(key.toString(), absent.resolve("key.pem").toString())
                .replace(ca.toString(), directory.toString())
                + "api: {listen: \"127.0.0.1:9900\", tokenFile: %s}\nstateDir: /srv/berth\n".formatted(directory);
        assertEquals("dns.apiKeyFile: no such file: " + absent, error(unreadable));

        assertEquals(new StatusConfig(new HostPort("127.0.0.1", 9900), Path.of("/srv/berth")),
                ConfigLoader.parseForStatus(unreadable, Map.of()));
        assertEquals(new StatusConfig(new HostPort("127.0.0.1", 9813), Path.of("/data")),
                ConfigLoader.parseForStatus(minimal, Map.of("BERTH_STATE_DIR", "/data",
                        "BERTH_DNS_API_KEY_FILE", absent.toString())), "defaults and overrides as for load()");
    }

    @Test
    void statusValidatesEverythingElseAsLoadDoes() {
        assertEquals("stateDir: not an absolute path: \"relative\"", assertThrows(ConfigException.class,
                () -> ConfigLoader.parseForStatus(minimal + "stateDir: relative\n", Map.of())).getMessage());
        assertEquals("api.listen", assertThrows(ConfigException.class,
                () -> ConfigLoader.parseForStatus(minimal + "api: {listen: \"127.0.0.1:99999\"}\n", Map.of())).field());
        assertEquals("dns.zone: required", assertThrows(ConfigException.class,
                () -> ConfigLoader.parseForStatus(edit("  zone: swarm.example.com.\n", ""), Map.of())).getMessage());
        assertEquals("surprise: unknown key", assertThrows(ConfigException.class,
                () -> ConfigLoader.parseForStatus(minimal + "surprise: 1\n", Map.of())).getMessage());
        assertEquals("BERTH_NO_SUCH_KEY", assertThrows(ConfigException.class,
                () -> ConfigLoader.parseForStatus(minimal, Map.of("BERTH_NO_SUCH_KEY", "x"))).field());
        assertEquals("swarm.tls.cert: required", assertThrows(ConfigException.class,
                () -> ConfigLoader.parseForStatus(edit("cert: " + cert + ", ", ""), Map.of())).getMessage());
    }

    private AgentConfig parse(String yaml, Map<String, String> env) {
        return ConfigLoader.parse(yaml, env);
    }

    private static String error(String yaml) {
        return error(yaml, Map.of());
    }

    private static String error(String yaml, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, env)).getMessage();
    }

    /** {@link #minimal} with one edit; fails if the text to replace is not there, so no test passes vacuously. */
    private String edit(String from, String to) {
        assertTrue(minimal.contains(from), () -> "not in the minimal config: " + from);
        return minimal.replace(from, to);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
