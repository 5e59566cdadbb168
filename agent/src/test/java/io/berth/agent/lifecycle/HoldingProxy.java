package io.berth.agent.lifecycle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * A proxy in front of a real Engine API (a unix socket or a TCP port) that passes every request on, and when armed
 * holds back the answer to one kind of request: the engine or manager does the work, the agent never hears of it.
 * That is how a test kills an agent in the middle of a step: the step's request is under way, then the kill.
 */
final class HoldingProxy implements AutoCloseable {

    private final ServerSocketChannel server;
    private final SocketAddressSupplier target;
    private final String endpoint;
    private final Path socketFile;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private volatile Pattern hold;
    private final CompletableFuture<String> held = new CompletableFuture<>();

    @FunctionalInterface
    private interface SocketAddressSupplier {
        SocketChannel connect() throws IOException;
    }

    private HoldingProxy(ServerSocketChannel server, SocketAddressSupplier target, String endpoint, Path socketFile) {
        this.server = server;
        this.socketFile = socketFile;
        this.target = target;
        this.endpoint = endpoint;
        Thread acceptor = new Thread(this::accept, "holding-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on the unix socket {@code listen}, in front of the engine socket {@code engine}. */
    static HoldingProxy unix(Path listen, Path engine) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                .bind(UnixDomainSocketAddress.of(listen));
        return new HoldingProxy(server, () -> SocketChannel.open(UnixDomainSocketAddress.of(engine)),
                "unix://" + listen, listen);
    }

    /** Listens on {@code host} (an address lab hosts reach, such as the lab's gateway), in front of host:port. */
    static HoldingProxy tcp(String host, String targetHost, int targetPort) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getByName(host), 0));
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        return new HoldingProxy(server, () -> SocketChannel.open(new InetSocketAddress(targetHost, targetPort)),
                "tcp://" + host + ":" + port, null);
    }

    /** The endpoint to configure instead of the real one. */
    String endpoint() {
        return endpoint;
    }

    /** From now on, the answer to the first request whose request line matches is held back. */
    void holdAnswerTo(String requestLineRegex) {
        hold = Pattern.compile(requestLineRegex);
    }

    /** Completes with the request line whose answer was held back. */
    CompletableFuture<String> held() {
        return held;
    }

    private void accept() {
        try {
            while (true) {
                SocketChannel client = server.accept();
                open.add(client);
                Thread.ofVirtual().start(() -> relay(client));
            }
        } catch (IOException closed) {
            // close() ends it.
        }
    }

    private void relay(SocketChannel client) {
        try (client; SocketChannel engine = target.connect()) {
            open.add(engine);
            InputStream fromClient = Channels.newInputStream(client);
            OutputStream toEngine = Channels.newOutputStream(engine);
            String line = requestLine(fromClient);
            toEngine.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            Pattern armed = hold;
            boolean holdBack = armed != null && armed.matcher(line).find() && !held.isDone();
            Thread up = Thread.ofVirtual().start(() -> pump(fromClient, toEngine));
            InputStream fromEngine = Channels.newInputStream(engine);
            if (holdBack) {
                hold = null;
                fromEngine.readAllBytes(); // the engine did the work; its answer goes nowhere
                held.complete(line);
            } else {
                pump(fromEngine, Channels.newOutputStream(client));
            }
            up.join(); // held back: the client waits until it is killed or the proxy closed
        } catch (IOException | InterruptedException ended) {
            // A side closed: so does the relay.
        }
    }

    private static String requestLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("closed before a request");
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void pump(InputStream in, OutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ended) {
            // One side closed.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel channel : open) {
            channel.close();
        }
        if (socketFile != null) {
            Files.deleteIfExists(socketFile);
        }
    }
}
