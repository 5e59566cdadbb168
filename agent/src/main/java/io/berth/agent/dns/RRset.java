package io.berth.agent.dns;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One RRset as PowerDNS holds it: an absolute name (trailing dot), a type, a TTL, the contents of its enabled
 * records and its comment, if any.
 */
public record RRset(String name, String type, int ttl, List<String> contents, Optional<Comment> comment) {

    public RRset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        contents = List.copyOf(contents);
        Objects.requireNonNull(comment, "comment");
        if (!name.endsWith(".")) {
            throw new IllegalArgumentException("RRset name must be absolute (end with a dot): " + name);
        }
    }

    /** The contents as one string for messages and diffs: {@code 10.0.0.5}, or {@code a,b} for several records. */
    public String joined() {
        return String.join(",", contents);
    }
}
