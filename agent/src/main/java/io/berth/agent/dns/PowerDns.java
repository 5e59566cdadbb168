package io.berth.agent.dns;

import java.util.List;
import java.util.Optional;

/** The two PowerDNS Authoritative API calls the agent needs: read one RRset, write a zone's changes in one PATCH. */
public interface PowerDns {

    /** The RRset {@code name}/{@code type} of {@code zone}, read with a filtered zone GET; empty if it has no records. */
    Optional<RRset> get(String zone, String name, String type) throws DnsException, InterruptedException;

    /** Applies all {@code changes} to {@code zone} in ONE PATCH (4.7 closes the connection after each call). */
    void patch(String zone, List<RRsetChange> changes) throws DnsException, InterruptedException;
}
