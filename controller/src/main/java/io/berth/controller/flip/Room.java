package io.berth.controller.flip;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * CPU (in nano CPUs, as the Engine API counts) and memory (bytes): what a node has, what a task reserves, what is
 * left. Swarm's scheduler places a task only on a node whose unreserved room holds its reservation; limits do not
 * count, and a service without reservations fits anywhere.
 */
record Room(long nanoCpus, long memoryBytes) {

    static final Room NONE = new Room(0, 0);

    /** {@code {"NanoCPUs": …, "MemoryBytes": …}} (a node's Resources, a task's Reservations); missing is 0. */
    static Room of(JsonNode resources) {
        return new Room(resources.path("NanoCPUs").asLong(0), resources.path("MemoryBytes").asLong(0));
    }

    boolean none() {
        return nanoCpus <= 0 && memoryBytes <= 0;
    }

    Room plus(Room o) {
        return new Room(nanoCpus + o.nanoCpus, memoryBytes + o.memoryBytes);
    }

    Room minus(Room o) {
        return new Room(nanoCpus - o.nanoCpus, memoryBytes - o.memoryBytes);
    }

    Room times(long n) {
        return new Room(nanoCpus * n, memoryBytes * n);
    }

    /** How many tasks reserving {@code each} this room holds (unbounded: Long.MAX_VALUE when it reserves none). */
    long holds(Room each) {
        long cpu = each.nanoCpus <= 0 ? Long.MAX_VALUE : Math.max(0, nanoCpus) / each.nanoCpus;
        long mem = each.memoryBytes <= 0 ? Long.MAX_VALUE : Math.max(0, memoryBytes) / each.memoryBytes;
        return Math.min(cpu, mem);
    }

    /** Holds {@code o}: at least as much of each. */
    boolean covers(Room o) {
        return nanoCpus >= o.nanoCpus && memoryBytes >= o.memoryBytes;
    }

    /** "0.5 CPU, 256 MiB", naming only what is reserved. */
    String text() {
        String cpu = String.format(Locale.ROOT, "%.2f CPU", nanoCpus / 1e9).replace(".00 CPU", " CPU");
        String mem = memoryBytes % (1L << 30) == 0 && memoryBytes > 0 ? (memoryBytes >> 30) + " GiB"
                : String.format(Locale.ROOT, "%d MiB", memoryBytes >> 20);
        return nanoCpus != 0 && memoryBytes != 0 ? cpu + ", " + mem : nanoCpus != 0 ? cpu : memoryBytes != 0 ? mem
                : "nothing";
    }
}
