package io.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.config.Bundle.BundleFile;
import io.berth.config.Bundle.Secrets;
import io.berth.config.Bundle.TlsPem;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class BundleTest {

    static final String TOKEN =
            "SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx";
    private static final TlsPem PEM = new TlsPem("ca-pem\n", "cert-pem\n", "hunter2-tls-key\n");
    private static final Secrets FULL_SECRETS =
            new Secrets(TOKEN, "hunter2-pdns-key", Optional.of("hunter2-api-token"), Optional.of(PEM));
    private static final Secrets SECRETS = new Secrets(TOKEN, "hunter2-pdns-key", Optional.empty(), Optional.empty());
    private static final Path CONFIG_FILE = Path.of("/vm/etc/berth/agent.yml");

    private static final String MINIMAL = """
            dns: {api: "http://pdns:8081", apiKeyFile: /vm/secrets/dns-api-key, zone: swarm.example.com.}
            swarm:
              joinAddrs: [10.0.0.2:2377]
              joinTokenFile: /vm/secrets/join-token
              managerApi: [tcp://10.0.0.2:2376]
              insecure: true
            """;
    private static final String FULL = MINIMAL.replace("  insecure: true\n",
            "  tls: {ca: /vm/tls/ca.pem, cert: /vm/tls/cert.pem, key: /vm/tls/key.pem}\n")
            + "api: {tokenFile: /vm/secrets/api-token}\n";

    @Test
    void filesAreTheConfigThenEachSecretAtThePathTheConfigNames() {
        AgentConfig config = parse(FULL);
        Bundle bundle = new Bundle(CONFIG_FILE, config, FULL_SECRETS);
        assertEquals(List.of(
                new BundleFile(CONFIG_FILE, AgentConfigWriter.yaml(config), false),
                new BundleFile(Path.of("/vm/secrets/dns-api-key"), "hunter2-pdns-key\n", true),
                new BundleFile(Path.of("/vm/secrets/join-token"), TOKEN + "\n", true),
                new BundleFile(Path.of("/vm/secrets/api-token"), "hunter2-api-token\n", true),
                new BundleFile(Path.of("/vm/tls/ca.pem"), "ca-pem\n", true),
                new BundleFile(Path.of("/vm/tls/cert.pem"), "cert-pem\n", true),
                new BundleFile(Path.of("/vm/tls/key.pem"), "hunter2-tls-key\n", true)), bundle.files());
        assertEquals(config, parse(bundle.files().getFirst().content()));
    }

    @Test
    void aBundleWithoutTlsOrApiTokenHasTheKeyAndTheTokenOnly() {
        List<BundleFile> files = new Bundle(CONFIG_FILE, parse(MINIMAL), SECRETS).files();
        assertEquals(List.of(CONFIG_FILE, Path.of("/vm/secrets/dns-api-key"), Path.of("/vm/secrets/join-token")),
                files.stream().map(BundleFile::path).toList());
    }

    @Test
    void theSecretsMatchWhatTheConfigAsksFor() {
        assertEquals("secrets.apiToken: required: api.tokenFile is set",
                error(() -> new Bundle(CONFIG_FILE, parse(FULL), new Secrets(TOKEN, "k", Optional.empty(), Optional.of(PEM)))));
        assertEquals("secrets.apiToken: given, but api.tokenFile is not set",
                error(() -> new Bundle(CONFIG_FILE, parse(MINIMAL), new Secrets(TOKEN, "k", Optional.of("t"),
                        Optional.empty()))));
        assertEquals("secrets.tls: required: swarm.tls is set",
                error(() -> new Bundle(CONFIG_FILE, parse(FULL), new Secrets(TOKEN, "k", Optional.of("t"),
                        Optional.empty()))));
        assertEquals("secrets.tls: given, but swarm.tls is not set",
                error(() -> new Bundle(CONFIG_FILE, parse(MINIMAL), new Secrets(TOKEN, "k", Optional.empty(),
                        Optional.of(PEM)))));
    }

    @Test
    void pathsAreAbsoluteAndEachFileHasItsOwn() {
        assertEquals("configFile: not an absolute path: \"agent.yml\"",
                error(() -> new Bundle(Path.of("agent.yml"), parse(MINIMAL), SECRETS)));
        assertEquals("swarm.joinTokenFile: not an absolute path: \"join-token\"", error(() -> new Bundle(CONFIG_FILE,
                parse(MINIMAL.replace("/vm/secrets/join-token", "join-token")), SECRETS)));
        assertEquals("swarm.joinTokenFile: /vm/secrets/dns-api-key is also dns.apiKeyFile: each file needs a path "
                + "of its own", error(() -> new Bundle(CONFIG_FILE,
                parse(MINIMAL.replace("/vm/secrets/join-token", "/vm/secrets/dns-api-key")), SECRETS)));
        assertEquals("dns.apiKeyFile: /vm/etc/berth/agent.yml is also configFile: each file needs a path of its own",
                error(() -> new Bundle(CONFIG_FILE, parse(MINIMAL.replace("/vm/secrets/dns-api-key",
                        CONFIG_FILE.toString())), SECRETS)));
    }

    @Test
    void secretsAreCheckedWithoutShowingThem() {
        String bad = error(() -> new Secrets("SWMTKN-1-hunter2", "k", Optional.empty(), Optional.empty()));
        assertEquals("secrets.joinToken: not a Swarm join token (SWMTKN-1-...-...)", bad);
        assertEquals("secrets.dnsApiKey: must not be empty, nor begin or end with white space",
                error(() -> new Secrets(TOKEN, "", Optional.empty(), Optional.empty())));
        assertEquals("secrets.dnsApiKey: must not be empty, nor begin or end with white space",
                error(() -> new Secrets(TOKEN, "hunter2\n", Optional.empty(), Optional.empty())));
        assertEquals("secrets.apiToken: must not be empty, nor begin or end with white space",
                error(() -> new Secrets(TOKEN, "k", Optional.of(" "), Optional.empty())));
        assertEquals("secrets.tls.key: empty", error(() -> new TlsPem("ca", "cert", "\n")));
        assertEquals("secrets.joinToken: required", error(() -> new Secrets(null, "k", Optional.empty(),
                Optional.empty())));
    }

    @Test
    void noToStringShowsASecret() {
        Bundle bundle = new Bundle(CONFIG_FILE, parse(FULL), FULL_SECRETS);
        for (String text : List.of(bundle.toString(), FULL_SECRETS.toString(), PEM.toString(),
                bundle.files().toString())) {
            assertFalse(text.contains("hunter2") || text.contains(TOKEN), text);
        }
        assertEquals("BundleFile[path=/vm/secrets/join-token, secret=true, " + (TOKEN.length() + 1) + " characters]",
                bundle.files().get(2).toString());
    }

    private static AgentConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, Map.of(), ConfigLoader.NamedFiles.UNOPENED);
    }

    private static String error(Executable build) {
        return assertThrows(ConfigException.class, build).getMessage();
    }
}
