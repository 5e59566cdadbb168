package io.berth.agent.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.transport.DockerHttpClient;
import io.berth.config.AgentConfig;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS over the transport, with a CA and certificates made here (BouncyCastle), on loopback. */
class EngineTransportTlsTest {

    private static final AtomicLong SERIAL = new AtomicLong(1);
    private static final char[] PASSWORD = "test".toCharArray();

    @TempDir
    Path dir;

    @Test
    void mutualTlsThenAGarbledKeyFailsInOneLineAndTheFixedKeyIsPickedUpWithoutANewTransport() throws Exception {
        KeyPair caKey = keyPair();
        X509Certificate ca = certificate("test CA", caKey, "test CA", caKey.getPrivate(), true);
        KeyPair serverKey = keyPair();
        X509Certificate server = certificate("manager", serverKey, "test CA", caKey.getPrivate(), false);
        KeyPair clientKey = keyPair();
        X509Certificate client = certificate("client", clientKey, "test CA", caKey.getPrivate(), false);

        Path caPem = Files.writeString(dir.resolve("ca.pem"), pem(ca));
        Path certPem = Files.writeString(dir.resolve("cert.pem"), pem(client));
        Path keyPem = Files.writeString(dir.resolve("key.pem"), pem(new JcaPKCS8Generator(clientKey.getPrivate(), null)));
        AgentConfig.Tls files = new AgentConfig.Tls(caPem, certPem, keyPem);

        try (ScriptedEngine engine = ScriptedEngine.tls(serverContext(serverKey, server, ca),
                        c -> c.write(ScriptedEngine.answer(200, "{\"ID\":\"tls\"}")));
                EngineTransport transport = new EngineTransport(engine.endpoint(), Optional.of(files),
                        Duration.ofSeconds(5))) {
            assertEquals(200, status(transport));

            String garbled = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n";
            Files.writeString(keyPem, garbled);
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> status(transport));
            String message = e.getMessage();
            assertTrue(message.startsWith("cannot load TLS files " + certPem + ", " + keyPem + ", " + caPem + ": "),
                    message);
            assertTrue(message.matches("[^\\n]*: [A-Za-z]+"), "one line, ending in the problem's class: " + message);
            assertFalse(message.contains("c2VjcmV0"), message);
            assertNull(e.getCause().getCause(), "no cause that could quote the file");

            assertThrows(UncheckedIOException.class, () -> status(transport), "still bad: tried again, fails again");

            Files.writeString(keyPem, pem(new JcaPKCS8Generator(clientKey.getPrivate(), null)));
            assertEquals(200, status(transport), "the fixed key is read again");
        }
    }

    @Test
    void aServerCertificateForAnotherAddressIsRefused() throws Exception {
        KeyPair caKey = keyPair();
        X509Certificate ca = certificate("test CA", caKey, "test CA", caKey.getPrivate(), true);
        KeyPair serverKey = keyPair();
        X509Certificate server = certificate("elsewhere", serverKey, "test CA", caKey.getPrivate(), false, "10.9.9.9");
        KeyPair clientKey = keyPair();
        X509Certificate client = certificate("client", clientKey, "test CA", caKey.getPrivate(), false);
        AgentConfig.Tls files = new AgentConfig.Tls(Files.writeString(dir.resolve("ca.pem"), pem(ca)),
                Files.writeString(dir.resolve("cert.pem"), pem(client)),
                Files.writeString(dir.resolve("key.pem"), pem(new JcaPKCS8Generator(clientKey.getPrivate(), null))));
        try (ScriptedEngine engine = ScriptedEngine.tls(serverContext(serverKey, server, ca),
                        c -> c.write(ScriptedEngine.answer(200, "{}")));
                EngineTransport transport = new EngineTransport(engine.endpoint(), Optional.of(files),
                        Duration.ofSeconds(5))) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> status(transport));
            assertTrue(e.getMessage().startsWith(engine.endpoint() + ": cannot connect: "), e.getMessage());
        }
    }

    private static int status(EngineTransport transport) {
        try (DockerHttpClient.Response response = transport.execute(
                DockerHttpClient.Request.builder().method("GET").path("/v1.41/info").build())) {
            return response.getStatusCode();
        }
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate certificate(String cn, KeyPair subject, String issuer, PrivateKey signer,
            boolean ca) throws Exception {
        return certificate(cn, subject, issuer, signer, ca, "127.0.0.1");
    }

    private static X509Certificate certificate(String cn, KeyPair subject, String issuer, PrivateKey signer,
            boolean ca, String ip) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer),
                BigInteger.valueOf(SERIAL.getAndIncrement()), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=" + cn), subject.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (!ca) {
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.iPAddress, ip)));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    /** PEM as openssl writes it (keys as PKCS#8, like {@code openssl genpkey}). */
    private static String pem(Object object) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    private static SSLContext serverContext(KeyPair key, X509Certificate cert, X509Certificate ca) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null);
        keys.setKeyEntry("server", key.getPrivate(), PASSWORD, new X509Certificate[] {cert, ca});
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null);
        trusted.setCertificateEntry("ca", ca);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}
