package io.berth.agent.swarm;

import com.github.dockerjava.core.util.CertificateUtils;
import io.berth.config.AgentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.spec.InvalidKeySpecException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Mutual TLS from the PEM files of the config (the CA to trust, this host's client certificate and key), read again
 * whenever one of them changed, so a renewed certificate is used without a restart.
 */
final class TlsFiles {

    /** Protects nothing (the store lives in memory only); the key store API wants one. */
    private static final char[] PASSWORD = "berth".toCharArray();

    private final AgentConfig.Tls files;
    private List<Object> loadedStamp;
    private SSLContext context;

    TlsFiles(AgentConfig.Tls files) {
        this.files = files;
    }

    /**
     * The context for a new connection. A file that cannot be read or parsed fails this call with a message naming
     * the files and the problem, never their content, and is tried again on the next call.
     */
    synchronized SSLContext context() {
        try {
            List<Object> stamp = stamp(); // taken first: a file changed while loading is loaded again next time
            if (!stamp.equals(loadedStamp)) {
                context = null;
                loadedStamp = null;
                context = load();
                loadedStamp = stamp;
            }
            return context;
        } catch (Exception e) {
            // No cause attached: parser messages may quote what they could not parse.
            throw EngineTransport.unchecked(new IOException("cannot load TLS files " + files.cert() + ", "
                    + files.key() + ", " + files.ca() + ": " + e.getClass().getSimpleName()));
        }
    }

    /** Path, modification time and size of each file: what changes when a certificate is renewed. */
    private List<Object> stamp() throws IOException {
        List<Object> stamp = new ArrayList<>();
        for (Path path : List.of(files.ca(), files.cert(), files.key())) {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            stamp.add(List.of(path, attributes.lastModifiedTime(), attributes.size()));
        }
        return stamp;
    }

    private SSLContext load() throws Exception {
        // docker-java's PEM reader asks for the BouncyCastle provider by name.
        if (Security.getProvider("BC") == null) {
            Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        }
        PrivateKey key = CertificateUtils.loadPrivateKey(Files.readString(files.key()));
        if (key == null) {
            throw new InvalidKeySpecException(); // the parser found no key in the file
        }
        KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
        keys.load(null);
        keys.setKeyEntry("client", key, PASSWORD, certificates(files.cert()).toArray(Certificate[]::new));
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null);
        List<Certificate> cas = certificates(files.ca());
        for (int i = 0; i < cas.size(); i++) {
            trusted.setCertificateEntry("ca" + i, cas.get(i));
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ssl;
    }

    private static List<Certificate> certificates(Path pem) throws IOException, CertificateException {
        List<Certificate> certificates = CertificateUtils.loadCertificates(Files.readString(pem));
        if (certificates.isEmpty()) {
            throw new CertificateException(); // the parser found no certificate in the file
        }
        return certificates;
    }
}
