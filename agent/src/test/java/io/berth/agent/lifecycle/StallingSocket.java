package io.berth.agent.lifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An engine socket that accepts every connection and never answers: a systemd {@code docker.socket} before dockerd
 * is up, or a stuck dockerd. It holds what it accepted until closed.
 */
final class StallingSocket implements AutoCloseable {

    private final Path path;
    private final ServerSocketChannel server;
    private final List<SocketChannel> held = new ArrayList<>();
    private final Thread acceptor;

    StallingSocket(Path path) {
        this.path = path;
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(() -> {
            try {
                while (true) {
                    SocketChannel accepted = server.accept();
                    synchronized (held) {
                        held.add(accepted);
                    }
                }
            } catch (IOException closed) {
                // close() ends it.
            }
        }, "stalling-socket");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The endpoint to configure as {@code swarm.engine}. */
    String uri() {
        return "unix://" + path;
    }

    int accepted() {
        synchronized (held) {
            return held.size();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (held) {
            for (SocketChannel channel : held) {
                channel.close();
            }
        }
        Files.deleteIfExists(path);
    }
}
