package io.berth.agent.dns;

import java.io.IOException;

/** Asks a nameserver for the records of one name and type ({@link DnsQuery} over UDP; tests use a fake). */
@FunctionalInterface
public interface DnsLookup {

    /** The answers of type {@code qtype} ({@link DnsQuery#A}, {@link DnsQuery#PTR}) for absolute {@code name}. */
    DnsQuery.Reply ask(String name, int qtype) throws IOException;
}
