package io.berth.controller.provider.vsphere;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * vim25 over SOAP, by hand: one POST to {@code /sdk} per call, the session cookie kept, every call bounded. No Java
 * vSphere SDK on the registry works against vcsim, and berth needs a dozen methods. Faults come back as
 * {@link VimFault}, naming the fault's type ({@code InvalidLogin}, {@code DuplicateName}, …); nothing a call sends
 * (a password, the session cookie) is ever in a message.
 */
final class Vim implements AutoCloseable {

    static final String NS = "urn:vim25";
    private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
    private static final String ENVELOPE = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsd="
            + "\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"" + XSI + "\"><soapenv:Body>%s</soapenv:Body>"
            + "</soapenv:Envelope>";

    /** A managed object reference. */
    record MoRef(String type, String value) {
        String xml(String element) {
            return "<" + element + " type=\"" + Xml.escape(type) + "\">" + Xml.escape(value) + "</" + element + ">";
        }

        static MoRef of(Element e) {
            return new MoRef(e.getAttribute("type"), e.getTextContent().strip());
        }
    }

    /** A fault vCenter answered with: its type and its message. */
    static final class VimFault extends Exception {
        final String type;

        VimFault(String type, String message) {
            super(type + (message == null || message.isBlank() ? "" : ": " + message.strip()), null, false, false);
            this.type = type;
        }
    }

    private final URI sdk;
    private final HttpClient http;
    private final Duration timeout;
    private volatile String cookie;

    Vim(URI sdk, boolean insecure, Duration timeout) {
        this.sdk = sdk;
        this.timeout = timeout;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
        if (insecure) {
            builder.sslContext(trustAll());
        }
        this.http = builder.build();
    }

    /**
     * Calls {@code method} on {@code self} with {@code args} (its XML elements after {@code _this}); returns the
     * response element. A fault is a VimFault; an answer that is not SOAP, or none within the bound, an IOException
     * naming the method and the status.
     */
    Element call(String method, MoRef self, String args) throws VimFault, IOException, InterruptedException {
        String body = ENVELOPE.formatted("<" + method + " xmlns=\"" + NS + "\">" + self.xml("_this") + args + "</"
                + method + ">");
        HttpRequest.Builder request = HttpRequest.newBuilder(sdk).timeout(timeout)
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("SOAPAction", "urn:vim25/6.5")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        String session = cookie;
        if (session != null) {
            request.header("Cookie", session);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new IOException(method + ": no answer from " + sdk.getHost() + " within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            Throwable tls = e instanceof SSLException ? e : e.getCause() instanceof SSLException s ? s : null;
            if (tls != null) {
                throw new IOException(method + ": TLS with " + sdk.getHost() + " failed: " + tls.getMessage()
                        + " (trust its CA in the JDK's trust store, or set provider.vsphere.insecure)");
            }
            throw new IOException(method + ": " + sdk.getHost() + ": " + Optional.ofNullable(e.getMessage())
                    .orElse(e.getClass().getSimpleName()));
        }
        response.headers().firstValue("Set-Cookie").ifPresent(c -> {
            if (c.startsWith("vmware_soap_session")) {
                cookie = c.split(";", 2)[0];
            }
        });
        Element envelope = parse(method, response);
        Element bodyElement = Xml.child(envelope, "Body").orElseThrow(() -> new IOException(method + ": no SOAP body"));
        Element first = Xml.children(bodyElement).stream().findFirst()
                .orElseThrow(() -> new IOException(method + ": an empty SOAP body (HTTP " + response.statusCode() + ")"));
        if (first.getLocalName().equals("Fault")) {
            throw fault(first);
        }
        if (response.statusCode() != 200) {
            throw new IOException(method + ": HTTP " + response.statusCode());
        }
        return first;
    }

    /** The {@code returnval} elements of a response. */
    static List<Element> returnvals(Element response) {
        return Xml.children(response, "returnval");
    }

    void forgetSession() {
        cookie = null;
    }

    @Override
    public void close() {
        http.close();
    }

    private Element parse(String method, HttpResponse<byte[]> response) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            var builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler());   // throws; the JDK default also prints "[Fatal Error] …"
            return builder.parse(new ByteArrayInputStream(response.body())).getDocumentElement();
        } catch (SAXException | ParserConfigurationException e) {
            throw new IOException(method + ": HTTP " + response.statusCode() + ", not a SOAP answer");
        }
    }

    /** {@code <detail><InvalidLoginFault xsi:type="InvalidLogin"/>} → InvalidLogin, with the faultstring. */
    private static VimFault fault(Element fault) {
        String message = Xml.text(fault, "faultstring").orElse("");
        String type = Xml.child(fault, "detail").flatMap(d -> Xml.children(d).stream().findFirst())
                .map(d -> {
                    String xsiType = d.getAttributeNS(XSI, "type");
                    String name = xsiType.isEmpty() ? d.getLocalName() : xsiType.substring(xsiType.indexOf(':') + 1);
                    return name.endsWith("Fault") && !name.equals("Fault") ? name.substring(0, name.length() - 5) : name;
                })
                .orElse("SoapFault");
        return new VimFault(type, message);
    }

    /**
     * {@code insecure: true}: any certificate, any host name. An X509ExtendedTrustManager, because JSSE wraps a
     * plain X509TrustManager with its own host-name check, which a vCenter reached by an address would fail.
     */
    private static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509ExtendedTrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS: " + e.getMessage());
        }
    }

    /** Small XML helpers: escaping for what we send, element lookups for what we read. */
    static final class Xml {
        private Xml() {
        }

        static String escape(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        }

        static String el(String name, String text) {
            return "<" + name + ">" + escape(text) + "</" + name + ">";
        }

        /**
         * {@code device} written back as element {@code name} (its {@code xsi:type} kept), every child as it was
         * but {@code backing}, which becomes {@code backingXml}: an edit that changes one thing of a device.
         */
        static String withBacking(Element device, String name, String backingXml) {
            StringBuilder out = new StringBuilder("<").append(name);
            String type = device.getAttributeNS(XSI, "type");
            if (!type.isEmpty()) {
                out.append(" xsi:type=\"").append(escape(type.substring(type.indexOf(':') + 1))).append('"');
            }
            out.append('>');
            for (Element child : children(device)) {
                out.append(child.getLocalName().equals("backing") ? backingXml : write(child));
            }
            return out.append("</").append(name).append('>').toString();
        }

        /** An element as XML text in our envelope's prefixes: its xsi:type, attributes, text and children. */
        static String write(Element e) {
            StringBuilder out = new StringBuilder("<").append(e.getLocalName());
            String type = e.getAttributeNS(XSI, "type");
            if (!type.isEmpty()) {
                out.append(" xsi:type=\"").append(escape(type.substring(type.indexOf(':') + 1))).append('"');
            }
            if (e.hasAttribute("type")) {
                out.append(" type=\"").append(escape(e.getAttribute("type"))).append('"');
            }
            List<Element> kids = children(e);
            if (kids.isEmpty()) {
                return out.append('>').append(escape(e.getTextContent())).append("</").append(e.getLocalName())
                        .append('>').toString();
            }
            out.append('>');
            kids.forEach(k -> out.append(write(k)));
            return out.append("</").append(e.getLocalName()).append('>').toString();
        }

        static List<Element> children(Element parent) {
            List<Element> out = new ArrayList<>();
            for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e) {
                    out.add(e);
                }
            }
            return out;
        }

        static List<Element> children(Element parent, String localName) {
            return children(parent).stream().filter(e -> localName.equals(e.getLocalName())).toList();
        }

        static Optional<Element> child(Element parent, String localName) {
            return children(parent, localName).stream().findFirst();
        }

        static Optional<String> text(Element parent, String localName) {
            return child(parent, localName).map(e -> e.getTextContent().strip());
        }
    }
}
