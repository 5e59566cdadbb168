package io.berth.agent.traffic;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests one client sent to a peer and the response bytes it received from it. Every count also goes to the
 * process's total for that peer ({@link #total(String)}), which {@code /metrics} shows: a fleet of a thousand
 * agents is cheap only if each pass is, and these say what a pass costs.
 */
public final class Traffic {

    /** The PowerDNS API (response bytes: the bodies). */
    public static final String POWERDNS = "powerdns";
    /** The local engine's API (response bytes: all that was read from the connection, headers included). */
    public static final String ENGINE = "engine";
    /** The managers' APIs, together (as {@link #ENGINE}). */
    public static final String MANAGERS = "managers";
    public static final List<String> PEERS = List.of(POWERDNS, ENGINE, MANAGERS);

    private static final Map<String, Traffic> TOTALS = new ConcurrentHashMap<>();

    private final String peer;
    private final Traffic total;
    private final LongAdder requests = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    private Traffic(String peer, Traffic total) {
        this.peer = peer;
        this.total = total;
    }

    /** A new client's counters for {@code peer}, adding to the process's total. */
    public static Traffic to(String peer) {
        return new Traffic(peer, total(peer));
    }

    /** Everything this process's clients of {@code peer} counted since it started. */
    public static Traffic total(String peer) {
        return TOTALS.computeIfAbsent(peer, p -> new Traffic(p, null));
    }

    /** One request sent (an attempt: a retry is another). */
    public void request() {
        requests.increment();
        if (total != null) {
            total.request();
        }
    }

    /** {@code n} bytes of an answer received. */
    public void received(long n) {
        if (n > 0) {
            bytes.add(n);
            if (total != null) {
                total.received(n);
            }
        }
    }

    public String peer() {
        return peer;
    }

    public long requests() {
        return requests.sum();
    }

    public long bytes() {
        return bytes.sum();
    }

    @Override
    public String toString() {
        return peer + " " + requests() + " (" + bytes() + " B)";
    }
}
