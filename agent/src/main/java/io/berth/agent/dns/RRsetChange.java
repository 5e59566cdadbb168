package io.berth.agent.dns;

import java.util.Objects;

/** One entry of a PATCH: REPLACE an RRset whole (records, TTL and comment) or DELETE it. */
public sealed interface RRsetChange {

    String name();

    String type();

    static RRsetChange replace(RRset rrset) {
        return new Replace(rrset);
    }

    static RRsetChange delete(String name, String type) {
        return new Delete(name, type);
    }

    /** REPLACE: the RRset becomes exactly {@code rrset}; an empty comment removes the old one. */
    record Replace(RRset rrset) implements RRsetChange {
        public Replace {
            Objects.requireNonNull(rrset, "rrset");
        }

        @Override
        public String name() {
            return rrset.name();
        }

        @Override
        public String type() {
            return rrset.type();
        }
    }

    /** DELETE: the RRset and its comments go (PowerDNS answers 204 even when it was absent). */
    record Delete(String name, String type) implements RRsetChange {
        public Delete {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }
}
