package io.berth.controller.provider.vsphere;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.berth.controller.provider.ProviderException;
import io.berth.controller.provider.vsphere.Vim.MoRef;
import io.berth.controller.provider.vsphere.Vim.VimFault;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SOAP client against a loopback stand-in: faults by type, answers that are not SOAP, a peer that stalls. */
class VimTest {

    private static final MoRef SELF = new MoRef("SessionManager", "SessionManager");
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A server answering every POST with {@code status} and {@code body}. */
    private URI answering(int status, String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/sdk", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        open.add(() -> server.stop(0));
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/sdk");
    }

    private static String fault(String element, String type, String message) {
        return "<?xml version=\"1.0\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
                + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body><soapenv:Fault>"
                + "<faultcode>ServerFaultCode</faultcode><faultstring>" + message + "</faultstring><detail><" + element
                + " xmlns=\"urn:vim25\"" + (type == null ? "" : " xsi:type=\"" + type + "\"") + "/></detail>"
                + "</soapenv:Fault></soapenv:Body></soapenv:Envelope>";
    }

    private Vim vim(URI sdk, Duration timeout) {
        Vim vim = new Vim(sdk, false, timeout);
        open.add(vim);
        return vim;
    }

    @Test
    void aFaultIsItsTypeAndMessage() throws Exception {
        Vim login = vim(answering(500, fault("InvalidLoginFault", "InvalidLogin",
                "Cannot complete login due to an incorrect user name or password.")), Duration.ofSeconds(5));
        VimFault f = assertThrows(VimFault.class, () -> login.call("Login", SELF, "<userName>u</userName>"));
        assertEquals("InvalidLogin", f.type);
        assertEquals("InvalidLogin: Cannot complete login due to an incorrect user name or password.", f.getMessage());

        Vim noPermission = vim(answering(500, fault("NoPermissionFault", null, "Permission to perform this "
                + "operation was denied.")), Duration.ofSeconds(5));
        assertEquals("NoPermission", assertThrows(VimFault.class, () -> noPermission.call("CloneVM_Task", SELF, ""))
                .type);
    }

    @Test
    void eachFaultHasAKindAMessageCanSayWhatToDoAbout() {
        assertEquals(ProviderException.Kind.INVALID, VsphereProvider.kind("NoPermission"));
        assertEquals(ProviderException.Kind.CONFLICT, VsphereProvider.kind("DuplicateName"));
        assertEquals(ProviderException.Kind.CONFLICT, VsphereProvider.kind("InvalidPowerState"));
        assertEquals(ProviderException.Kind.NOT_FOUND, VsphereProvider.kind("ManagedObjectNotFound"));
        assertEquals(ProviderException.Kind.FAILED, VsphereProvider.kind("InsufficientResourcesFault"));
        assertEquals(ProviderException.Kind.FAILED, VsphereProvider.kind("FileFault"));
    }

    @Test
    void anAnswerThatIsNotSoapNamesTheMethodAndTheStatus() throws Exception {
        Vim proxy = vim(answering(503, "<html>Service Unavailable</html"), Duration.ofSeconds(5));
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(printed, true, StandardCharsets.UTF_8));
        IOException e;
        try {
            e = assertThrows(IOException.class, () -> proxy.call("RetrievePropertiesEx", SELF, ""));
        } finally {
            System.setErr(err);
        }
        assertEquals("RetrievePropertiesEx: HTTP 503, not a SOAP answer", e.getMessage());
        assertEquals("", printed.toString(StandardCharsets.UTF_8), "the XML parser prints nothing of its own");
    }

    /** An HTTPS stand-in with a self-signed certificate for vc.example (not the address it is reached by). */
    private URI selfSignedHttps(Path dir) throws Exception {
        Path store = dir.resolve("vc.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "vc", "-keyalg", "EC", "-dname", "CN=vc.example", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/sdk", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = fault("NotAuthenticatedFault", "NotAuthenticated", "The session is not authenticated.")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        open.add(() -> server.stop(0));
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/sdk");
    }

    @Test
    void anUntrustedCertificateIsOneLineSayingWhatToDoAndInsecureAcceptsIt(@TempDir Path dir) throws Exception {
        URI sdk = selfSignedHttps(dir);
        IOException e = assertThrows(IOException.class,
                () -> vim(sdk, Duration.ofSeconds(5)).call("RetrieveServiceContent", SELF, ""));
        assertTrue(e.getMessage().startsWith("RetrieveServiceContent: TLS with 127.0.0.1 failed: ")
                && e.getMessage().endsWith("(trust its CA in the JDK's trust store, or set provider.vsphere.insecure)")
                && !e.getMessage().contains("\n"), e.getMessage());

        Vim insecure = new Vim(sdk, true, Duration.ofSeconds(5));
        open.add(insecure);
        assertEquals("NotAuthenticated", assertThrows(VimFault.class,
                () -> insecure.call("RetrieveServiceContent", SELF, "")).type, "the answer came through TLS");
    }

    @Test
    void aVcenterThatAcceptsAndNeverAnswersIsBoundedByTheCallsTimeout() throws Exception {
        ServerSocket stalled = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        List<Socket> held = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    held.add(stalled.accept());   // accepted, never read, never answered
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        open.add(() -> {
            stalled.close();
            for (Socket s : held) {
                s.close();
            }
        });
        Vim vim = vim(URI.create("http://127.0.0.1:" + stalled.getLocalPort() + "/sdk"), Duration.ofSeconds(1));
        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> vim.call("RetrieveServiceContent", SELF, ""));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals("RetrieveServiceContent: no answer from 127.0.0.1 within 1 s", e.getMessage());
        assertTrue(ms < 5000, "bounded: " + ms + " ms");
        assertFalse(e.getMessage().contains("password"));
    }
}
