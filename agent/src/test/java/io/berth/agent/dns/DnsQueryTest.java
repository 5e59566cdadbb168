package io.berth.agent.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DnsQueryTest {

    @Test
    void encodesOneQuestionWithoutRecursion() {
        byte[] expected = octets(0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                2, 'w', '1', 3, 'l', 'a', 'b', 4, 't', 'e', 's', 't', 0,
                0, 1, 0, 1);
        assertArrayEquals(expected, DnsQuery.encode(0x1234, "w1.lab.test.", DnsQuery.A));
        assertArrayEquals(expected, DnsQuery.encode(0x1234, "w1.lab.test", DnsQuery.A));
        byte[] ptr = DnsQuery.encode(1, "5.0.0.10.in-addr.arpa.", DnsQuery.PTR);
        assertEquals(12, ptr[ptr.length - 3]);
    }

    @Test
    void rejectsBadNames() {
        assertThrows(IllegalArgumentException.class, () -> DnsQuery.encode(1, "a..b.", DnsQuery.A));
        assertThrows(IllegalArgumentException.class, () -> DnsQuery.encode(1, "x".repeat(64) + ".", DnsQuery.A));
    }

    @Test
    void decodesAnswersOfTheAskedTypeAndSkipsOthers() throws IOException {
        Packet p = response(0x1234, 0, "w1.lab.test.", DnsQuery.A, 3);
        p.raw(0xc0, 12).u16(1).u16(1).u32(60).u16(4).raw(10, 0, 0, 5);
        p.raw(0xc0, 12).u16(16).u16(1).u32(60).u16(3).raw(2, 'h', 'i'); // a TXT: not what we asked
        p.raw(0xc0, 12).u16(1).u16(1).u32(60).u16(4).raw(10, 0, 0, 200);
        assertEquals(List.of("10.0.0.5", "10.0.0.200"), decode(p, 0x1234, DnsQuery.A));
    }

    @Test
    void eachAnswerComesWithItsOwnerNameAndTtl() throws IOException {
        Packet p = response(0x1234, 0, "w1.lab.test.", DnsQuery.A, 3);
        p.raw(0xc0, 12).u16(1).u16(1).u32(60).u16(4).raw(10, 0, 0, 5);
        p.raw(0xc0, 12).u16(1).u16(1).u32(300).u16(4).raw(10, 0, 0, 6);
        p.raw(0xc0, 12).u16(1).u16(1).u32(0xfffffff0).u16(4).raw(10, 0, 0, 7); // read unsigned
        DnsQuery.Reply reply = reply(p, 0x1234, DnsQuery.A);
        assertTrue(reply.authoritative());
        assertEquals(List.of(new DnsQuery.Answer("w1.lab.test.", DnsQuery.A, 60, "10.0.0.5"),
                new DnsQuery.Answer("w1.lab.test.", DnsQuery.A, 300, "10.0.0.6"),
                new DnsQuery.Answer("w1.lab.test.", DnsQuery.A, 0xfffffff0L, "10.0.0.7")), reply.answers());
    }

    @Test
    void anAnswerBehindACnameKeepsItsOwnName() throws IOException {
        Packet p = response(5, 0, "w1.lab.test.", DnsQuery.A, 2);
        int target = p.size() + 12 + 12; // the CNAME's rdata: header, question, 12 bytes of the CNAME record
        p.raw(0xc0, 12).u16(5).u16(1).u32(60).u16(5).raw(2, 'w', '9', 0xc0, 12 + 3); // w9.lab.test.
        p.raw(0xc0, target).u16(1).u16(1).u32(30).u16(4).raw(10, 0, 0, 9);
        assertEquals(List.of(new DnsQuery.Answer("w9.lab.test.", DnsQuery.A, 30, "10.0.0.9")),
                reply(p, 5, DnsQuery.A).answers());
    }

    @Test
    void theAuthorityBitIsRead() throws IOException {
        Packet cached = new Packet(3, 0x80, 0, 1); // QR without AA: a cache's answer
        cached.name("w1.lab.test.").u16(DnsQuery.A).u16(1);
        cached.raw(0xc0, 12).u16(1).u16(1).u32(42).u16(4).raw(10, 0, 0, 5);
        DnsQuery.Reply reply = reply(cached, 3, DnsQuery.A);
        assertFalse(reply.authoritative());
        assertEquals(42, reply.answers().get(0).ttl());
        assertTrue(reply(response(3, 3, "gone.lab.test.", DnsQuery.A, 0), 3, DnsQuery.A).authoritative());
    }

    @Test
    void decodesCompressedPtrTargets() throws IOException {
        Packet p = response(7, 0, "5.0.0.10.in-addr.arpa.", DnsQuery.PTR, 2);
        int first = p.size() + 12 + 12; // where the first answer's rdata starts: header, question, 12 bytes
        p.raw(0xc0, 12).u16(12).u16(1).u32(60).u16(13).name("w1.lab.test.");
        // "w2" + a pointer to "lab.test." inside the first answer's rdata
        p.raw(0xc0, 12).u16(12).u16(1).u32(60).u16(5).raw(2, 'w', '2', 0xc0, first + 3);
        assertEquals(List.of("w1.lab.test.", "w2.lab.test."), decode(p, 7, DnsQuery.PTR));
    }

    @Test
    void nxdomainAndEmptyNoerrorAreEmpty() throws IOException {
        assertEquals(List.of(), decode(response(9, 3, "gone.lab.test.", DnsQuery.A, 0), 9, DnsQuery.A));
        assertEquals(List.of(), decode(response(9, 0, "gone.lab.test.", DnsQuery.A, 0), 9, DnsQuery.A));
    }

    @Test
    void failuresAndGarbageAreErrors() {
        assertThrows(IOException.class, () -> decode(response(9, 2, "w1.lab.test.", DnsQuery.A, 0), 9, DnsQuery.A));
        assertThrows(IOException.class, () -> decode(response(9, 0, "w1.lab.test.", DnsQuery.A, 0), 8, DnsQuery.A));
        Packet cut = response(9, 0, "w1.lab.test.", DnsQuery.A, 1);
        cut.raw(0xc0, 12).u16(1).u16(1).u32(60).u16(4).raw(10, 0);
        assertThrows(IOException.class, () -> decode(cut, 9, DnsQuery.A));
        Packet loop = response(9, 0, "x.", DnsQuery.PTR, 1);
        int self = loop.size() + 12 + 12; // the rdata points at itself
        loop.raw(0xc0, 12).u16(12).u16(1).u32(60).u16(2).raw(0xc0 | (self >> 8), self & 0xff);
        assertThrows(IOException.class, () -> decode(loop, 9, DnsQuery.PTR));
    }

    @Test
    void retriesOnceAfterATimeoutOverRealUdp() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            AtomicInteger seen = new AtomicInteger();
            Thread thread = Thread.ofVirtual().start(() -> {
                try {
                    byte[] buffer = new byte[512];
                    while (true) {
                        DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                        server.receive(query);
                        if (seen.incrementAndGet() == 1) {
                            continue; // the first query is "lost"
                        }
                        int id = ((buffer[0] & 0xff) << 8) | (buffer[1] & 0xff);
                        Packet p = response(id, 0, "w1.lab.test.", DnsQuery.A, 1);
                        p.raw(0xc0, 12).u16(1).u16(1).u32(60).u16(4).raw(10, 0, 0, 5);
                        byte[] answer = p.bytes();
                        server.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
                    }
                } catch (IOException closed) {
                    // test over
                }
            });
            DnsQuery dns = new DnsQuery("127.0.0.1", server.getLocalPort(), Duration.ofMillis(300));
            assertEquals(List.of("10.0.0.5"), dns.a("w1.lab.test."));
            assertEquals(2, seen.get());
            assertEquals(List.of(new DnsQuery.Answer("w1.lab.test.", DnsQuery.A, 60, "10.0.0.5")),
                    dns.ask("w1.lab.test.", DnsQuery.A).answers());
            server.close();
            thread.join();
        }
    }

    @Test
    void givesUpAfterTwoTimeouts() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            DnsQuery dns = DnsQuery.of("127.0.0.1:" + silent.getLocalPort(), Duration.ofMillis(100));
            assertThrows(SocketTimeoutException.class, () -> dns.ptr("5.0.0.10.in-addr.arpa."));
        }
    }

    private static List<String> decode(Packet p, int id, int qtype) throws IOException {
        return reply(p, id, qtype).data();
    }

    private static DnsQuery.Reply reply(Packet p, int id, int qtype) throws IOException {
        byte[] msg = Arrays.copyOf(p.bytes(), 600); // a receive buffer is bigger than the message
        return DnsQuery.decode(msg, p.size() + 12, id, qtype);
    }

    /** A response header (QR, AA, rcode) echoing one question, with {@code answers} answers to follow. */
    static Packet response(int id, int rcode, String name, int qtype, int answers) {
        Packet p = new Packet(id, 0x84, rcode, answers);
        p.name(name).u16(qtype).u16(1);
        return p;
    }

    /** A DNS message under construction; {@link #size()} counts bytes after the 12-byte header. */
    static final class Packet {
        private final byte[] header;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Packet(int id, int flags, int rcode, int answers) {
            header = octets(id >> 8, id, flags, rcode, 0, 1, answers >> 8, answers, 0, 0, 0, 0);
        }

        Packet raw(int... values) {
            body.writeBytes(octets(values));
            return this;
        }

        Packet u16(int value) {
            return raw(value >> 8, value);
        }

        Packet u32(int value) {
            return raw(value >> 24, value >> 16, value >> 8, value);
        }

        Packet name(String name) {
            for (String label : name.split("\\.")) {
                body.write(label.length());
                body.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
            }
            body.write(0);
            return this;
        }

        int size() {
            return body.size();
        }

        byte[] bytes() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(header);
            all.writeBytes(body.toByteArray());
            return all.toByteArray();
        }
    }

    static byte[] octets(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
