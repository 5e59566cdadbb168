package io.berth.agent.dns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A minimal DNS client over UDP, enough to ask one (authoritative) nameserver for the A or PTR records of a name:
 * "does the record resolve there, with which TTL?" One retry after a timeout; NXDOMAIN or an empty answer is an
 * empty list.
 */
public final class DnsQuery implements DnsLookup {

    public static final int A = 1;
    public static final int PTR = 12;

    /**
     * One answer record: its owner name (absolute, as the server spelt it), type, TTL in seconds and data (an A as
     * a dotted quad, a PTR target with a trailing dot).
     */
    public record Answer(String name, int type, long ttl, String data) {
    }

    /**
     * A response: whether the server answered with authority (the AA bit: an authoritative server's TTLs are the
     * zone's, a cache's count down) and its answers of the asked type (class IN).
     */
    public record Reply(boolean authoritative, List<Answer> answers) {
        public Reply {
            answers = List.copyOf(answers);
        }

        /** The answers' data, in the order sent. */
        public List<String> data() {
            return answers.stream().map(Answer::data).toList();
        }
    }

    private final String host;
    private final int port;
    private final Duration timeout;

    /** Nothing is resolved or sent yet: a host name is looked up at each query (a long-lived one may move). */
    public DnsQuery(String host, int port, Duration timeout) {
        this.host = host;
        this.port = port;
        this.timeout = timeout;
    }

    /** {@code "10.1.2.3:53"} (an IPv6 host in brackets). */
    public static DnsQuery of(String hostPort, Duration timeout) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        return new DnsQuery(host, Integer.parseInt(hostPort.substring(colon + 1)), timeout);
    }

    /** IPv4 addresses (dotted) of {@code name}. */
    public List<String> a(String name) throws IOException {
        return query(name, A);
    }

    /** PTR targets (with trailing dot) of {@code name}, e.g. {@code 5.0.0.10.in-addr.arpa.} */
    public List<String> ptr(String name) throws IOException {
        return query(name, PTR);
    }

    /** The answers of type {@code qtype} for {@code name}: A as dotted quads, names with a trailing dot. */
    public List<String> query(String name, int qtype) throws IOException {
        return ask(name, qtype).data();
    }

    /** The answers of type {@code qtype} for {@code name}, with their owner names and TTLs, and the AA bit. */
    @Override
    public Reply ask(String name, int qtype) throws IOException {
        int id = ThreadLocalRandom.current().nextInt(0x10000);
        byte[] question = encode(id, name, qtype);
        byte[] buffer = new byte[4096];
        InetSocketAddress server = new InetSocketAddress(host, port);
        if (server.isUnresolved()) {
            throw new UnknownHostException("cannot resolve the nameserver's name " + host);
        }
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(server);
            socket.setSoTimeout((int) timeout.toMillis());
            for (int attempt = 1; ; attempt++) {
                socket.send(new DatagramPacket(question, question.length));
                try {
                    while (true) {
                        DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
                        socket.receive(answer);
                        // A late answer to our first attempt has the same id and is just as good; others are noise.
                        if (answer.getLength() >= 2 && u16(buffer, 0) == id) {
                            return decode(buffer, answer.getLength(), id, qtype);
                        }
                    }
                } catch (SocketTimeoutException e) {
                    if (attempt == 2) {
                        throw new SocketTimeoutException("no answer from " + server + " for " + name + " within "
                                + timeout.toMillis() + " ms (2 tries)");
                    }
                }
            }
        }
    }

    /** A query packet: header with one question, recursion not desired (we ask the authority itself). */
    static byte[] encode(int id, String name, int qtype) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] header = {(byte) (id >> 8), (byte) id, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
        out.writeBytes(header);
        String relative = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (!relative.isEmpty()) {
            for (String label : relative.split("\\.", -1)) {
                byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
                if (bytes.length == 0 || bytes.length > 63) {
                    throw new IllegalArgumentException("bad DNS name: '" + name + "'");
                }
                out.write(bytes.length);
                out.writeBytes(bytes);
            }
        }
        out.write(0);
        out.writeBytes(new byte[] {(byte) (qtype >> 8), (byte) qtype, 0, 1});
        if (out.size() > 12 + 255 + 4) {
            throw new IllegalArgumentException("DNS name too long: '" + name + "'");
        }
        return out.toByteArray();
    }

    /** The answers of type {@code qtype} (class IN) in a response; other types (a CNAME on the way) are skipped. */
    static Reply decode(byte[] msg, int length, int id, int qtype) throws IOException {
        if (length < 12 || u16(msg, 0) != id || (msg[2] & 0x80) == 0) {
            throw new IOException("not a DNS response to query " + id);
        }
        if ((msg[2] & 0x02) != 0) {
            throw new IOException("DNS response truncated (TC): the answer does not fit UDP");
        }
        boolean authoritative = (msg[2] & 0x04) != 0;
        int rcode = msg[3] & 0x0f;
        if (rcode == 3) {
            return new Reply(authoritative, List.of()); // NXDOMAIN
        }
        if (rcode != 0) {
            throw new IOException("nameserver answered rcode " + rcode + (rcode == 2 ? " (SERVFAIL)"
                    : rcode == 5 ? " (REFUSED)" : ""));
        }
        int questions = u16(msg, 4);
        int answers = u16(msg, 6);
        int pos = 12;
        try {
            for (int i = 0; i < questions; i++) {
                pos = skipName(msg, pos, length) + 4;
            }
            List<Answer> found = new ArrayList<>();
            for (int i = 0; i < answers; i++) {
                String owner = readName(msg, pos, length);
                pos = skipName(msg, pos, length);
                check(pos + 10, length);
                int type = u16(msg, pos);
                int klass = u16(msg, pos + 2);
                long ttl = ((long) u16(msg, pos + 4) << 16) | u16(msg, pos + 6);
                int rdlength = u16(msg, pos + 8);
                int rdata = pos + 10;
                pos = rdata + rdlength;
                check(pos, length);
                if (type != qtype || klass != 1) {
                    continue;
                }
                if (type == A && rdlength == 4) {
                    found.add(new Answer(owner, type, ttl, (msg[rdata] & 0xff) + "." + (msg[rdata + 1] & 0xff) + "."
                            + (msg[rdata + 2] & 0xff) + "." + (msg[rdata + 3] & 0xff)));
                } else if (type == PTR) {
                    found.add(new Answer(owner, type, ttl, readName(msg, rdata, length)));
                }
            }
            return new Reply(authoritative, found);
        } catch (IndexOutOfBoundsException e) {
            throw new IOException("malformed DNS response", e);
        }
    }

    /** Reads a possibly compressed name (RFC 1035 4.1.4) as {@code a.b.c.} ({@code .} for the root). */
    static String readName(byte[] msg, int pos, int length) throws IOException {
        StringBuilder name = new StringBuilder();
        for (int jumps = 0; ; ) {
            check(pos + 1, length);
            int len = msg[pos] & 0xff;
            if ((len & 0xc0) == 0xc0) {
                check(pos + 2, length);
                if (++jumps > 32) {
                    throw new IOException("DNS name compression loop");
                }
                pos = ((len & 0x3f) << 8) | (msg[pos + 1] & 0xff);
            } else if (len == 0) {
                return name.isEmpty() ? "." : name.toString();
            } else if (len > 63) {
                throw new IOException("bad DNS label length " + len);
            } else {
                check(pos + 1 + len, length);
                name.append(new String(msg, pos + 1, len, StandardCharsets.US_ASCII)).append('.');
                pos += 1 + len;
            }
        }
    }

    /** The position after a name (a pointer ends it). */
    private static int skipName(byte[] msg, int pos, int length) throws IOException {
        while (true) {
            check(pos + 1, length);
            int len = msg[pos] & 0xff;
            if ((len & 0xc0) == 0xc0) {
                return pos + 2;
            }
            if (len == 0) {
                return pos + 1;
            }
            pos += 1 + len;
        }
    }

    private static void check(int end, int length) throws IOException {
        if (end > length) {
            throw new IOException("malformed DNS response: ends early");
        }
    }

    private static int u16(byte[] msg, int pos) {
        return ((msg[pos] & 0xff) << 8) | (msg[pos + 1] & 0xff);
    }

    @Override
    public String toString() {
        return "DNS server " + host + ":" + port;
    }
}
