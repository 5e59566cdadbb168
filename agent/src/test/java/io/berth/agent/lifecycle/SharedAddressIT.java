package io.berth.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.agent.dns.PowerDnsHttp;
import io.berth.agent.dns.RRset;
import io.berth.lab.IntegrationTest;
import io.berth.lab.Lab;
import io.berth.lab.LabEnv;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two live hosts claiming one address on the real lab: the second one's boot stops at a PTR conflict naming the
 * first, instead of taking the PTR (which the first would take back on its next pass, and so on every interval).
 */
@IntegrationTest
class SharedAddressIT {

    @Lab(workers = 2)
    static LabEnv lab;

    @TempDir
    static Path dir;

    @Test
    void aSecondHostAtTheSameAddressIsAConflictAndTheFirstKeepsItsRecords() throws Exception {
        AgentOnHost w1 = new AgentOnHost(lab, "w1", dir);
        AgentOnHost w2 = new AgentOnHost(lab, "w2", dir);
        String address = lab.host("w1").addr();
        w2.withExtra("host: {name: w2, address: " + address + "}\n");
        String ptrName = BootShutdownIT.reverseName(address);

        AgentOnHost.Result first = w1.run("boot");
        assertEquals(0, first.exit(), first.output());
        try (PowerDnsHttp api = new PowerDnsHttp(URI.create(lab.pdnsApi()), lab.pdnsKeyFile(), lab.pdnsServerId(),
                Duration.ofSeconds(5))) {
            Optional<RRset> a = api.get(lab.zone(), w1.fqdn(), "A");
            Optional<RRset> ptr = api.get(lab.reverseZone(), ptrName, "PTR");
            assertEquals(List.of(address), a.orElseThrow().contents());
            assertEquals(List.of(w1.fqdn()), ptr.orElseThrow().contents());

            AgentOnHost.Result second = w2.run("boot");
            assertEquals(1, second.exit(), second.output());
            String conflict = "PTR " + ptrName + " of " + address + " belongs to " + w1.fqdn() + " (identity ";
            assertTrue(second.says(conflict), second.output());
            assertTrue(second.says("whose A record still points at " + address + ": two hosts claim " + address
                    + "; not taking its PTR for " + w2.fqdn() + " without take-over"), second.output());

            assertEquals(a, api.get(lab.zone(), w1.fqdn(), "A"), "w1's A untouched, its mark included");
            assertEquals(ptr, api.get(lab.reverseZone(), ptrName, "PTR"), "w1's PTR untouched");
            assertEquals(Optional.empty(), api.get(lab.zone(), w2.fqdn(), "A"), "w2's A not written either");
            assertEquals(List.of(w1.fqdn()), lab.resolve(ptrName, "PTR"));

            AgentOnHost.Result rerun = w1.run("boot");
            assertEquals(0, rerun.exit(), rerun.output());
            assertTrue(rerun.says("nothing to do"), rerun.output());
            assertEquals(a, api.get(lab.zone(), w1.fqdn(), "A"));
            assertEquals(ptr, api.get(lab.reverseZone(), ptrName, "PTR"));
        }
    }
}
