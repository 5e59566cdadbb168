package io.berth.agent.swarm;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A stand-in Engine API on loopback (a unix socket file or a TCP port, optionally TLS) that answers each connection
 * as its script says: a canned answer, raw bytes, or nothing at all (it holds the connection until the client
 * closes it, and counts that).
 */
final class ScriptedEngine implements AutoCloseable {

    enum Kind { UNIX, TCP }

    /** What the server does with one connection, after it read the request. */
    @FunctionalInterface
    interface Script {
        void answer(Connection connection) throws IOException;
    }

    record Received(String method, String path, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One accepted connection. */
    final class Connection {
        final Received request;
        private final InputStream in;
        private final OutputStream out;

        Connection(Received request, InputStream in, OutputStream out) {
            this.request = request;
            this.in = in;
            this.out = out;
        }

        void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Answers nothing more; returns when the client closed the connection. */
        void stall() {
            try {
                while (in.read() >= 0) {
                    // Only the end of the stream matters.
                }
            } catch (IOException reset) {
                // A reset is a close too.
            }
            closedByClient.incrementAndGet();
        }
    }

    private final Closeable listener;
    private final Acceptor accept;
    private final URI endpoint;
    private final Script script;
    private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger closedByClient = new AtomicInteger();

    private record Accepted(InputStream in, OutputStream out, Closeable socket) {
    }

    @FunctionalInterface
    private interface Acceptor {
        Accepted accept() throws IOException;
    }

    private ScriptedEngine(Closeable listener, Acceptor accept, URI endpoint, Script script) {
        this.listener = listener;
        this.accept = accept;
        this.endpoint = endpoint;
        this.script = script;
        Thread.ofPlatform().daemon().name("scripted-engine").start(this::serve);
    }

    static ScriptedEngine start(Kind kind, Path dir, Script script) throws IOException {
        return kind == Kind.UNIX ? unix(dir.resolve("docker.sock"), script) : tcp(script);
    }

    static ScriptedEngine unix(Path socket, Script script) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return new ScriptedEngine(server, () -> streams(server.accept()), URI.create("unix://" + socket), script);
    }

    static ScriptedEngine tcp(Script script) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        return new ScriptedEngine(server, () -> streams(server.accept()), URI.create("tcp://127.0.0.1:" + port),
                script);
    }

    /** TLS that requires a client certificate the context trusts. */
    static ScriptedEngine tls(SSLContext context, Script script) throws IOException {
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(true);
        return new ScriptedEngine(server, () -> {
            var socket = server.accept();
            return new Accepted(socket.getInputStream(), socket.getOutputStream(), socket);
        }, URI.create("tcp://127.0.0.1:" + server.getLocalPort()), script);
    }

    private static Accepted streams(SocketChannel channel) {
        return new Accepted(Channels.newInputStream(channel), Channels.newOutputStream(channel), channel);
    }

    URI endpoint() {
        return endpoint;
    }

    /** A complete answer with a Content-Length. */
    static String answer(int status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                + "\r\n\r\n" + body;
    }

    private void serve() {
        while (true) {
            Accepted connection;
            try {
                connection = accept.accept();
            } catch (IOException closed) {
                return;
            }
            accepted.incrementAndGet();
            Thread.ofPlatform().daemon().start(() -> handle(connection));
        }
    }

    private void handle(Accepted connection) {
        Closeable socket = connection.socket();
        open.add(socket);
        try (socket) {
            Received request = read(connection.in());
            received.add(request);
            script.answer(new Connection(request, connection.in(), connection.out()));
        } catch (IOException | RuntimeException ignored) {
            // The client went away, or the test closed the server.
        } finally {
            open.remove(socket);
        }
    }

    private static Received read(InputStream in) throws IOException {
        String[] requestLine = line(in).split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        return new Received(requestLine[0], requestLine[1], headers, in.readNBytes(length));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the client closed the connection");
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Closeable socket : open) {
            socket.close();
        }
    }

    /** A TCP port on loopback that nothing listens on (bound, then closed). */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
