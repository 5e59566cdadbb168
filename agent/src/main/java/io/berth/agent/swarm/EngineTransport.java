package io.berth.agent.swarm;

import com.github.dockerjava.transport.DockerHttpClient;
import io.berth.agent.retry.CallBound;
import io.berth.agent.traffic.Traffic;
import io.berth.config.AgentConfig;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * docker-java's transport to one Engine API endpoint: HTTP/1.1 over JDK sockets, one connection per request, every
 * exchange bounded. docker-java's own unix-socket transport ignores its response timeout, so a socket that accepts
 * and never answers (systemd's docker.socket before dockerd is up, a stuck dockerd) blocked calls forever.
 *
 * <p>Each request's deadline is {@link CallBound#deadline(Duration)}: the transport's call timeout or the current
 * step's window, whichever ends first. It covers connect, TLS handshake, request, headers and the whole body (which
 * docker-java reads after {@link #execute} returned); a watchdog closes the socket when it passes, which unblocks any
 * read. Event streams ({@code /events}) are bounded until their headers arrive, then run until closed.
 */
public final class EngineTransport implements DockerHttpClient {

    private static final int MAX_HEAD_BYTES = 64 * 1024;
    /** The API version prefix is optional: docker-java omits it when no version is configured. */
    private static final Pattern STREAMING = Pattern.compile("^(/v[0-9.]+)?/events([/?].*)?$");
    private static final Set<String> FRAMING = Set.of("host", "connection", "content-length", "transfer-encoding");

    /** One daemon thread for every transport: it only closes sockets, which never blocks. */
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private final URI endpoint;
    private final Duration callTimeout;
    private final Duration connectTimeout;
    private final String unixPath;
    private final String host;
    private final String bareHost;
    private final int port;
    private final TlsFiles tls;
    private final Traffic traffic;
    private final Set<Exchange> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * {@code unix:///path} or {@code tcp://host:port}; TLS (tcp only: a unix socket is guarded by its file mode)
     * when {@code tls} is given. Nothing is sent until the first request.
     */
    public EngineTransport(URI endpoint, Optional<AgentConfig.Tls> tls, Duration callTimeout) {
        this(endpoint, tls, callTimeout, Traffic.to(Traffic.ENGINE));
    }

    /** As above, counting each request and every byte of HTTP read from its connection into {@code traffic}. */
    public EngineTransport(URI endpoint, Optional<AgentConfig.Tls> tls, Duration callTimeout, Traffic traffic) {
        this.endpoint = endpoint;
        this.traffic = traffic;
        this.callTimeout = callTimeout;
        // A manager that is blackholed should hand the call to the next one soon, whatever the call may take.
        this.connectTimeout = Duration.ofSeconds(Math.min(3, Math.max(1, callTimeout.toSeconds())));
        String scheme = String.valueOf(endpoint.getScheme()).toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "unix" -> {
                if (endpoint.getPath() == null || endpoint.getPath().isEmpty()) {
                    throw new IllegalArgumentException("no socket path in " + endpoint);
                }
                this.unixPath = endpoint.getPath();
                this.host = null;
                this.bareHost = null;
                this.port = -1;
                this.tls = null;
            }
            case "tcp" -> {
                if (endpoint.getHost() == null) {
                    throw new IllegalArgumentException("no host in " + endpoint);
                }
                this.unixPath = null;
                this.host = endpoint.getHost();
                this.bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host; // IPv6
                this.port = endpoint.getPort() > 0 ? endpoint.getPort() : tls.isPresent() ? 2376 : 2375;
                this.tls = tls.map(TlsFiles::new).orElse(null);
            }
            default -> throw new IllegalArgumentException("not a unix:// or tcp:// endpoint: " + endpoint);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Requests this transport sent and the bytes of their answers (HTTP heads included, after TLS). */
    public Traffic traffic() {
        return traffic;
    }

    @Override
    public Response execute(Request request) {
        return execute(request, callTimeout);
    }

    /** As {@link #execute(Request)}, for a call known to take longer (or shorter) than the transport's timeout. */
    public Response execute(Request request, Duration timeout) {
        if (request.hijackedInput() != null) {
            throw new UnsupportedOperationException(request.method() + " " + pathOnly(request.path())
                    + " needs a hijacked (attach) connection, which the Engine API transport does not offer");
        }
        Instant start = Instant.now();
        return new Exchange(request, start, CallBound.deadline(start, timeout)).run();
    }

    /** Aborts every exchange still open (an event stream's blocked read ends at once); later calls fail. */
    @Override
    public void close() {
        closed = true;
        for (Exchange exchange : open) {
            exchange.abort();
        }
    }

    /** Exchanges whose connection is still open (tests check that none is left behind). */
    int openExchanges() {
        return open.size();
    }

    private UncheckedIOException closedError(String what) {
        return unchecked(new IOException(what + " to " + endpoint + ": the Engine API transport is closed"));
    }

    private static String pathOnly(String path) {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    /** Unchecked, as docker-java expects from a transport, with the message on top (callers log getMessage()). */
    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e.getMessage(), e);
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "berth-engine-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true); // most exchanges end long before their deadline
        return executor;
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (IOException ignored) {
                // Closing is how an exchange ends; there is nothing left to tell.
            }
        }
    }

    /** One request and its answer on a connection of its own. */
    private final class Exchange {
        private final Request request;
        private final String what;
        private final Instant deadline;
        private final long boundMillis;
        private final boolean streaming;
        private volatile Closeable socket;
        private volatile boolean expired;
        private volatile boolean aborted;
        private volatile boolean connected;
        private volatile ScheduledFuture<?> timer;
        private volatile boolean released;
        private long connectMillis;

        Exchange(Request request, Instant start, Instant deadline) {
            this.request = request;
            this.what = request.method() + " " + pathOnly(request.path());
            this.deadline = deadline;
            this.boundMillis = Math.max(0, Duration.between(start, deadline).toMillis());
            this.streaming = STREAMING.matcher(request.path()).matches();
        }

        Response run() {
            if (closed) {
                throw closedError(what);
            }
            if (millisLeft() <= 0) {
                throw unchecked(timedOut()); // the step's window is already over: not even a connection
            }
            SSLContext ssl = tls == null ? null : tls.context(); // a one-line error of its own if the files are bad
            open.add(this);
            if (closed) {
                release();
                throw closedError(what);
            }
            timer = WATCHDOG.schedule(this::expire, Math.max(0, millisLeft()), TimeUnit.MILLISECONDS);
            try {
                InputStream in = connect(ssl);
                Head head = readHead(in);
                InputStream body = body(head, in);
                if (body == null) {
                    release();
                    return new Answer(head, InputStream.nullInputStream());
                }
                if (streaming && head.status < 300) {
                    timer.cancel(false); // the caller reads an event stream for minutes; close() ends it
                }
                return new Answer(head, new Body(body));
            } catch (IOException | RuntimeException e) {
                release();
                throw unchecked(failure(e));
            }
        }

        /** Opens the connection, sends the request; returns the answer's stream. */
        private InputStream connect(SSLContext ssl) throws IOException {
            byte[] head = head();
            byte[] body = request.body() == null ? null : request.body().readAllBytes(); // small: our JSON
            traffic.request();
            InputStream in;
            OutputStream out;
            if (unixPath != null) {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                attach(channel);
                channel.connect(UnixDomainSocketAddress.of(unixPath));
                in = new Counted(Channels.newInputStream(channel));
                out = Channels.newOutputStream(channel);
            } else {
                Socket plain = new Socket();
                attach(plain);
                connectMillis = Math.max(1, Math.min(connectTimeout.toMillis(), millisLeft()));
                plain.connect(new InetSocketAddress(bareHost, port), (int) connectMillis);
                Socket socket = plain;
                if (ssl != null) {
                    SSLSocket secure = (SSLSocket) ssl.getSocketFactory().createSocket(plain, bareHost, port, true);
                    SSLParameters parameters = secure.getSSLParameters();
                    parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the server certificate names this host
                    secure.setSSLParameters(parameters);
                    secure.startHandshake();
                    socket = secure;
                }
                in = new Counted(socket.getInputStream());
                out = socket.getOutputStream();
            }
            connected = true;
            OutputStream buffered = new BufferedOutputStream(out, 8192);
            buffered.write(head);
            buffered.write(lengthAndEnd(body));
            if (body != null) {
                buffered.write(body);
            }
            buffered.flush();
            return new BufferedInputStream(in, 8192);
        }

        /** The request line and the caller's headers, minus the framing this transport owns. */
        private byte[] head() {
            String path = request.path();
            if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
                throw new IllegalArgumentException("not a valid request path: " + pathOnly(path));
            }
            StringBuilder head = new StringBuilder(request.method()).append(' ').append(path).append(" HTTP/1.1\r\n");
            head.append("Host: ").append(unixPath != null ? "docker" : host + ":" + port).append("\r\n");
            request.headers().forEach((name, value) -> {
                if (!FRAMING.contains(name.toLowerCase(Locale.ROOT))) {
                    if ((name + value).chars().anyMatch(c -> c == '\r' || c == '\n')) {
                        throw new IllegalArgumentException("a line break in request header " + name);
                    }
                    head.append(name).append(": ").append(value).append("\r\n");
                }
            });
            head.append("Connection: close\r\n");
            return head.toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        private byte[] lengthAndEnd(byte[] body) {
            boolean sendsBody = body != null || Set.of("POST", "PUT", "PATCH").contains(request.method());
            String length = sendsBody ? "Content-Length: " + (body == null ? 0 : body.length) + "\r\n" : "";
            return (length + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        }

        /** Status line and headers; interim 1xx answers are skipped. */
        private Head readHead(InputStream in) throws IOException {
            int[] budget = {MAX_HEAD_BYTES};
            while (true) {
                String statusLine = readLine(in, budget);
                if (statusLine == null) {
                    throw new EOFException("the connection closed before an answer");
                }
                String[] parts = statusLine.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[0-9]{3}")) {
                    throw new IOException("not an HTTP/1.x answer");
                }
                int status = Integer.parseInt(parts[1]);
                Map<String, List<String>> headers = new LinkedHashMap<>();
                for (String line = requireLine(in, budget); !line.isEmpty(); line = requireLine(in, budget)) {
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        throw new IOException("a malformed answer header");
                    }
                    headers.computeIfAbsent(line.substring(0, colon).strip(), k -> new ArrayList<>())
                            .add(line.substring(colon + 1).strip());
                }
                if (status == 101) {
                    throw new IOException("the engine switched protocols, which this transport does not support");
                }
                if (status >= 200) {
                    return new Head(status, headers);
                }
            }
        }

        /** The answer's body as sent: chunked, by length, or up to the end of the connection; null for none. */
        private InputStream body(Head head, InputStream in) throws IOException {
            if (request.method().equals("HEAD") || head.status == 204 || head.status == 304) {
                return null;
            }
            String encoding = head.header("Transfer-Encoding");
            if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                return new Chunked(in);
            }
            String length = head.header("Content-Length");
            if (length != null) {
                long n;
                try {
                    n = Long.parseLong(length.strip());
                } catch (NumberFormatException e) {
                    throw new IOException("a malformed Content-Length");
                }
                return n == 0 ? null : new Fixed(in, n);
            }
            return in;
        }

        private long millisLeft() {
            return Duration.between(Instant.now(), deadline).toMillis();
        }

        /** Makes {@code socket} the one the watchdog and close() end; ends it at once if they already fired. */
        private void attach(Closeable s) throws IOException {
            socket = s;
            if (expired || aborted) {
                closeQuietly(s);
                throw new IOException("ended before it started");
            }
        }

        private void expire() {
            expired = true;
            closeQuietly(socket);
            open.remove(this);
        }

        void abort() {
            aborted = true;
            closeQuietly(socket);
            open.remove(this);
        }

        /** Ends the exchange (answer read, or closed by the caller): the connection and the timer go. */
        synchronized void release() {
            if (released) {
                return;
            }
            released = true;
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
            closeQuietly(socket);
            open.remove(this);
        }

        /** The exception to throw for {@code e}: it names endpoint, method, path and bound, never a body. */
        IOException failure(Exception e) {
            if (!expired && !connected && e instanceof SocketTimeoutException) {
                return new ConnectException(endpoint + ": cannot connect within " + connectMillis + " ms");
            }
            if (expired || e instanceof SocketTimeoutException) {
                return timedOut();
            }
            if (aborted) {
                return new IOException(what + " to " + endpoint + " ended: the Engine API transport was closed");
            }
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (!connected && e instanceof IOException) {
                return new ConnectException(endpoint + ": cannot connect: " + detail);
            }
            return new IOException(what + " to " + endpoint + " failed: " + detail);
        }

        SocketTimeoutException timedOut() {
            return new SocketTimeoutException(endpoint + " did not answer " + what + " within " + boundMillis + " ms");
        }

        /** The body as docker-java reads it: the bound stays armed until the end is read or the caller closes it. */
        private final class Body extends BlockStream {
            private final InputStream in;
            private boolean ended;

            Body(InputStream in) {
                this.in = in;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (ended) {
                    return -1;
                }
                if (len == 0) {
                    return 0;
                }
                try {
                    int n = in.read(b, off, len);
                    // Free the connection as soon as the whole answer is in: callers need not read past it.
                    if (n < 0 || in instanceof Fixed fixed && fixed.left == 0) {
                        ended = n < 0;
                        release();
                    }
                    return n;
                } catch (IOException e) {
                    release();
                    throw failure(e);
                }
            }

            @Override
            public int available() throws IOException {
                return released ? 0 : in.available();
            }

            @Override
            public void close() {
                release();
            }
        }
    }

    /** Counts what is read from a connection into the transport's traffic. */
    private final class Counted extends FilterInputStream {
        Counted(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int c = in.read();
            if (c >= 0) {
                traffic.received(1);
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            traffic.received(n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            traffic.received(skipped);
            return skipped;
        }
    }

    private record Head(int status, Map<String, List<String>> headers) {
        String header(String name) {
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
                    return entry.getValue().get(0);
                }
            }
            return null;
        }
    }

    private record Answer(Head head, InputStream body) implements Response {
        @Override
        public int getStatusCode() {
            return head.status;
        }

        @Override
        public Map<String, List<String>> getHeaders() {
            return head.headers;
        }

        @Override
        public InputStream getBody() {
            return body;
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException ignored) {
                // Body.close() does not throw.
            }
        }
    }

    /**
     * One line up to LF (CR stripped) as ISO-8859-1; null at the end of the stream before any byte. {@code budget}
     * caps what all lines of one head may take together.
     */
    private static String readLine(InputStream in, int[] budget) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (line.isEmpty()) {
                    return null;
                }
                throw new EOFException("the answer ended inside a header line");
            }
            if (--budget[0] < 0) {
                throw new IOException("answer headers larger than " + MAX_HEAD_BYTES / 1024 + " KiB");
            }
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) c);
        }
    }

    private static String requireLine(InputStream in, int[] budget) throws IOException {
        String line = readLine(in, budget);
        if (line == null) {
            throw new EOFException("the answer ended early");
        }
        return line;
    }

    /** A stream read in blocks: a single byte is a block of one. */
    private abstract static class BlockStream extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }

    /** A body of exactly {@code length} bytes. */
    private static final class Fixed extends BlockStream {
        private final InputStream in;
        private long left;

        Fixed(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the answer ended " + left + " bytes short of its Content-Length");
            }
            left -= n;
            return n;
        }
    }

    /** A chunked body: size line, data, CRLF, ..., a zero-size chunk and optional trailers. */
    private static final class Chunked extends BlockStream {
        private final InputStream in;
        private long left;
        private boolean first = true;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                int[] budget = {MAX_HEAD_BYTES};
                if (!first && !requireLine(in, budget).isEmpty()) {
                    throw new IOException("a chunk longer than its size");
                }
                first = false;
                String size = requireLine(in, budget);
                int extension = size.indexOf(';');
                try {
                    left = Long.parseLong((extension < 0 ? size : size.substring(0, extension)).strip(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("a malformed chunk size");
                }
                if (left == 0) {
                    while (!requireLine(in, budget).isEmpty()) {
                        // Trailers: nothing the Engine API sends that docker-java reads.
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the answer ended inside a chunk");
            }
            left -= n;
            return n;
        }
    }
}
