package io.berth.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.config.Bundle.BundleFile;
import io.berth.config.Bundle.Secrets;
import io.berth.config.Bundle.TlsPem;
import io.berth.config.BundleGuestinfo.Encoding;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BundleGuestinfoTest {

    private static final String TOKEN = BundleTest.TOKEN;
    private static final Path ROOT = Path.of("/vm");
    private static final String DIR = "/vm/run/config/berth/";

    /** agent.yml with its secrets where parse places them, so a round trip gives back an equal bundle. */
    private static final String FULL = """
            dns: {api: "http://pdns:8081", apiKeyFile: /vm/run/config/berth/secrets/dns-api-key, zone: swarm.example.com.}
            swarm:
              joinAddrs: [10.0.0.2:2377]
              joinTokenFile: /vm/run/config/berth/secrets/join-token
              managerApi: [tcp://10.0.0.2:2376]
              tls:
                ca: /vm/run/config/berth/secrets/ca.pem
                cert: /vm/run/config/berth/secrets/cert.pem
                key: /vm/run/config/berth/secrets/key.pem
              labels: {berth.pool: blue}
            api: {tokenFile: /vm/run/config/berth/secrets/api-token}
            host: {name: blue1}
            """;
    private static final Secrets FULL_SECRETS = new Secrets(TOKEN, "hunter2-pdns-key", Optional.of("hunter2-api-token"),
            Optional.of(new TlsPem("ca-pem\n", "cert-pem\n", "-----BEGIN KEY-----\nhunter2-tls-key\n")));
    private static final Bundle BUNDLE = new Bundle(Path.of(DIR + "agent.yml"), parse(FULL), FULL_SECRETS);

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void aBundleComesBackEqualInEachEncoding(Encoding encoding) {
        Map<String, String> keys = BundleGuestinfo.render(BUNDLE, encoding);
        assertEquals(BUNDLE, BundleGuestinfo.parse(lookup(keys), ROOT));
        assertEquals(encoding.label, keys.get("guestinfo.berth.secret.tlskey.encoding"));
    }

    @Test
    void theKeysAreTheConfigAndOneSecretEachWithItsEncoding() {
        Map<String, String> keys = BundleGuestinfo.render(BUNDLE, Encoding.BASE64);
        assertEquals(List.of("guestinfo.berth.config", "guestinfo.berth.config.encoding",
                "guestinfo.berth.secret.dnsapikey", "guestinfo.berth.secret.dnsapikey.encoding",
                "guestinfo.berth.secret.jointoken", "guestinfo.berth.secret.jointoken.encoding",
                "guestinfo.berth.secret.apitoken", "guestinfo.berth.secret.apitoken.encoding",
                "guestinfo.berth.secret.tlsca", "guestinfo.berth.secret.tlsca.encoding",
                "guestinfo.berth.secret.tlscert", "guestinfo.berth.secret.tlscert.encoding",
                "guestinfo.berth.secret.tlskey", "guestinfo.berth.secret.tlskey.encoding"), List.copyOf(keys.keySet()));
        assertEquals(AgentConfigWriter.yaml(BUNDLE.config()),
                new String(Base64.getDecoder().decode(keys.get("guestinfo.berth.config")), UTF_8));
        assertEquals(TOKEN + "\n", new String(Base64.getDecoder().decode(keys.get("guestinfo.berth.secret.jointoken")),
                UTF_8));
    }

    @Test
    void everyKeyAndValueSurvivesVcsimsEnvMapping() {
        // vcsim passes each key as an unquoted --env NAME=VALUE: no blank, quote or shell character may be in it.
        for (Encoding encoding : Encoding.values()) {
            Map<String, String> keys = BundleGuestinfo.render(BUNDLE, encoding);
            Map<String, String> env = new HashMap<>();
            keys.forEach((key, value) -> {
                assertTrue(key.matches("[a-z0-9.]+"), key);
                assertTrue(value.matches("[A-Za-z0-9+/=]+"), key);
                env.put(BundleGuestinfo.variable(key), value);
            });
            assertEquals(keys.size(), env.size(), "no two keys share a variable");
            assertEquals(BUNDLE, BundleGuestinfo.parse(k -> Optional.ofNullable(env.get(BundleGuestinfo.variable(k))),
                    ROOT));
        }
        assertEquals("VMX_GUESTINFO_BERTH_SECRET_JOINTOKEN_ENCODING",
                BundleGuestinfo.variable("guestinfo.berth.secret.jointoken.encoding"));
    }

    @Test
    void theSecretsArePlacedWhereParsePutsThemAndTheConfigSaysSo() {
        // A bundle rendered for /etc/berth (the controller's layout) lands in /run/config/berth on the VM.
        Bundle etc = new Bundle(Path.of("/etc/berth/agent.yml"),
                parse(FULL.replace("/vm/run/config/berth/secrets/", "/etc/berth/secrets/")), FULL_SECRETS);
        Bundle placed = BundleGuestinfo.parse(lookup(BundleGuestinfo.render(etc, Encoding.GZIP_BASE64)), ROOT);
        assertEquals(BUNDLE, placed);
        assertEquals(List.of(DIR + "agent.yml", DIR + "secrets/dns-api-key", DIR + "secrets/join-token",
                        DIR + "secrets/api-token", DIR + "secrets/ca.pem", DIR + "secrets/cert.pem", DIR + "secrets/key.pem"),
                placed.files().stream().map(f -> f.path().toString()).toList());
        BundleFile yaml = placed.files().getFirst();
        assertEquals(placed.config(), parse(yaml.content()));
    }

    @Test
    void onlyTheSecretsTheConfigNamesAreReadAndABareTokenIsAccepted() {
        String minimal = FULL.replaceAll("(?s)  tls:.*?key\\.pem\\n", "  insecure: true\n").replaceAll("(?m)^api: .*\\n", "");
        Map<String, String> keys = new HashMap<>();
        keys.put("guestinfo.berth.config", b64(minimal));
        keys.put("guestinfo.berth.secret.dnsapikey", b64("hunter2-pdns-key"));
        keys.put("guestinfo.berth.secret.jointoken", b64(TOKEN)); // as an operator may set it: no newline
        encodings(keys, "base64");
        Set<String> asked = new HashSet<>();
        Bundle bundle = BundleGuestinfo.parse(k -> {
            asked.add(k);
            return Optional.ofNullable(keys.get(k));
        }, ROOT);
        assertEquals(new Secrets(TOKEN, "hunter2-pdns-key", Optional.empty(), Optional.empty()), bundle.secrets());
        assertEquals(keys.keySet(), asked);
    }

    @Test
    void everyMalformedInputNamesItsKeyAndShowsNoValue() {
        Map<String, String> good = BundleGuestinfo.render(BUNDLE, Encoding.BASE64);
        assertEquals("guestinfo.berth.config: missing", error(without(good, "guestinfo.berth.config")));
        assertEquals("guestinfo.berth.config.encoding: missing: base64 or gzip+base64",
                error(without(good, "guestinfo.berth.config.encoding")));
        assertEquals("guestinfo.berth.secret.tlskey: missing", error(without(good, "guestinfo.berth.secret.tlskey")));
        assertEquals("guestinfo.berth.secret.jointoken: not base64",
                error(with(good, "guestinfo.berth.secret.jointoken", "hunter2*" + TOKEN)));
        assertEquals("guestinfo.berth.secret.dnsapikey: not base64",
                error(with(good, "guestinfo.berth.secret.dnsapikey", BundleGuestinfo.REDACTED)));
        assertEquals("guestinfo.berth.secret.apitoken: not gzip data (its .encoding says gzip+base64)",
                error(with(good, "guestinfo.berth.secret.apitoken.encoding", "gzip+base64")));
        assertEquals("guestinfo.berth.secret.apitoken.encoding: unknown encoding \"gzip\": base64 or gzip+base64",
                error(with(good, "guestinfo.berth.secret.apitoken.encoding", "gzip")));
        assertEquals("guestinfo.berth.config: dns.zone: required",
                error(with(good, "guestinfo.berth.config", b64(FULL.replace(" zone: swarm.example.com.", "")))));
        assertEquals("guestinfo.berth.config: dns.nozone: unknown key",
                error(with(good, "guestinfo.berth.config", b64(FULL.replace(" zone:", " nozone:")))));
        assertEquals("guestinfo.berth.secret.jointoken: not a Swarm join token (SWMTKN-1-...-...)",
                error(with(good, "guestinfo.berth.secret.jointoken", b64("hunter2-not-a-token"))));
        assertEquals("guestinfo.berth.secret.dnsapikey: must not be empty, nor begin or end with white space",
                error(with(good, "guestinfo.berth.secret.dnsapikey", b64(" \n"))));
        assertEquals("guestinfo.berth.secret.tlsca: empty", error(with(good, "guestinfo.berth.secret.tlsca", "")));
        assertEquals("guestinfo.berth.secret.tlscert: not UTF-8 text",
                error(with(good, "guestinfo.berth.secret.tlscert", "/w==")));
        Map<String, String> zipped = with(good, "guestinfo.berth.secret.tlskey.encoding", "gzip+base64");
        zipped.put("guestinfo.berth.secret.tlskey", Base64.getEncoder().encodeToString(gzip(new byte[BundleGuestinfo.LIMIT + 1])));
        assertEquals("guestinfo.berth.secret.tlskey: larger than 1048576 bytes", error(zipped));
    }

    @Test
    void whiteSpaceInBase64IsAllowedAsBase64WrapsItsLines() {
        Map<String, String> keys = BundleGuestinfo.render(BUNDLE, Encoding.BASE64);
        String config = keys.get("guestinfo.berth.config");
        keys.put("guestinfo.berth.config", config.substring(0, 20) + "\n" + config.substring(20) + "\n");
        keys.put("guestinfo.berth.config.encoding", "base64\n");
        assertEquals(BUNDLE, BundleGuestinfo.parse(lookup(keys), ROOT));
    }

    @Test
    void secretKeysAreTheOnesToRedact() {
        assertTrue(BundleGuestinfo.isSecretValue("guestinfo.berth.secret.jointoken"));
        assertFalse(BundleGuestinfo.isSecretValue("guestinfo.berth.secret.jointoken.encoding"));
        assertFalse(BundleGuestinfo.isSecretValue("guestinfo.berth.config"));
    }

    private static AgentConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, Map.of(), ConfigLoader.NamedFiles.UNOPENED);
    }

    private static java.util.function.Function<String, Optional<String>> lookup(Map<String, String> keys) {
        return k -> Optional.ofNullable(keys.get(k));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(UTF_8));
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void encodings(Map<String, String> keys, String label) {
        for (String key : Set.copyOf(keys.keySet())) {
            keys.put(key + ".encoding", label);
        }
    }

    private static Map<String, String> with(Map<String, String> keys, String key, String value) {
        Map<String, String> copy = new HashMap<>(keys);
        copy.put(key, value);
        return copy;
    }

    private static Map<String, String> without(Map<String, String> keys, String key) {
        Map<String, String> copy = new HashMap<>(keys);
        copy.remove(key);
        return copy;
    }

    private static String error(Map<String, String> keys) {
        String message = assertThrows(ConfigException.class, () -> BundleGuestinfo.parse(lookup(keys), ROOT))
                .getMessage();
        assertFalse(message.contains("hunter2") || message.contains(TOKEN), message);
        assertEquals(1, message.lines().count(), message);
        return message;
    }
}
