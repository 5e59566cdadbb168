package io.berth.agent.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.agent.step.StepResult;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RecordStep's decisions against an in-memory PowerDNS. */
class RecordStepTest {

    static final String ZONE = "lab.test.";
    static final String REV = "0.0.10.in-addr.arpa.";
    static final String FQDN = "w1.lab.test.";
    static final String PTR_NAME = "5.0.0.10.in-addr.arpa.";
    static final Mark MARK = new Mark("pool-blue", MarkTest.ID);
    static final Optional<Comment> OURS = Optional.of(MARK.comment());
    static final Optional<Comment> FOREIGN = Optional.of(new Comment("berth identity " + MarkTest.OTHER, "pool-green"));

    static final String THIRD = "00000000-0000-4000-8000-000000000003";

    final FakePowerDns dns = new FakePowerDns().zone(ZONE).zone(REV);
    final FakeNameserver nameserver = new FakeNameserver();

    RecordStep step(String address, boolean takeOver) {
        return new RecordStep(dns, ZONE, Optional.of(REV), FQDN, address, 60, MARK, takeOver);
    }

    /** A pass that is not thorough: the nameserver is asked first. */
    RecordStep quick(String address) {
        return new RecordStep(dns, Optional.of(nameserver), ZONE, Optional.of(REV), FQDN, address, 60, MARK, false);
    }

    /** Answers from a map of "name type" to reply (empty NOERROR when absent); {@code down} times out. */
    static final class FakeNameserver implements DnsLookup {
        final Map<String, DnsQuery.Reply> replies = new HashMap<>();
        final List<String> asked = new ArrayList<>();
        boolean down;

        FakeNameserver answers(String name, int type, long ttl, String data) {
            replies.put(name + " " + type, new DnsQuery.Reply(true, List.of(new DnsQuery.Answer(name, type, ttl, data))));
            return this;
        }

        @Override
        public DnsQuery.Reply ask(String name, int qtype) throws IOException {
            asked.add(name + " " + qtype);
            if (down) {
                throw new SocketTimeoutException("no answer from the fake within 1000 ms (2 tries)");
            }
            return replies.getOrDefault(name + " " + qtype, new DnsQuery.Reply(true, List.of()));
        }
    }

    /** Our records in place in PowerDNS and, matching, at the nameserver. */
    void registered() {
        dns.put(ZONE, a("10.0.0.5", OURS)).put(REV, ptr(PTR_NAME, FQDN, OURS));
        nameserver.answers(FQDN, DnsQuery.A, 60, "10.0.0.5").answers(PTR_NAME, DnsQuery.PTR, 60, FQDN);
    }

    static RRset a(String address, Optional<Comment> comment) {
        return new RRset(FQDN, "A", 60, List.of(address), comment);
    }

    static RRset ptr(String name, String target, Optional<Comment> comment) {
        return new RRset(name, "PTR", 60, List.of(target), comment);
    }

    @Test
    void absentRecordsAreCreatedWithOnePatchPerZone() throws Exception {
        dns.put(ZONE, new RRset("other.lab.test.", "A", 60, List.of("10.0.0.9"), Optional.empty()));
        StepResult result = step("10.0.0.5", false).run(false);

        assertTrue(result.changed());
        assertEquals(Map.of(), result.before());
        assertEquals(Map.of("A", "10.0.0.5", "PTR", FQDN), result.after());
        assertEquals(List.of(ZONE + " " + FQDN + " A", REV + " " + PTR_NAME + " PTR"), dns.gets);
        assertEquals(List.of(
                new FakePowerDns.Patch(ZONE, List.of(RRsetChange.replace(a("10.0.0.5", OURS)))),
                new FakePowerDns.Patch(REV, List.of(RRsetChange.replace(ptr(PTR_NAME, FQDN, OURS))))), dns.patches);
        assertEquals(2, dns.size(ZONE), "the other record is still there");
    }

    @Test
    void rerunIsUnchangedAndSendsNoPatch() throws Exception {
        step("10.0.0.5", false).run(false);
        dns.patches.clear();
        dns.gets.clear();

        StepResult again = step("10.0.0.5", false).run(false);
        assertFalse(again.changed());
        assertTrue(again.message().contains("already registered"), again.message());
        assertEquals(Map.of("A", "10.0.0.5", "PTR", FQDN), again.before());
        assertEquals(List.of(), dns.patches);
        assertEquals(2, dns.gets.size());
    }

    @Test
    void ourRecordWithAnotherAddressIsReplacedAndOurOldPtrDeletedInTheSameReversePatch() throws Exception {
        dns.put(ZONE, a("10.0.0.9", OURS)).put(REV, ptr("9.0.0.10.in-addr.arpa.", FQDN, OURS));
        StepResult result = step("10.0.0.5", false).run(false);

        assertTrue(result.changed());
        assertEquals(Map.of("A", "10.0.0.9"), result.before());
        assertEquals(2, dns.patches.size());
        assertEquals(new FakePowerDns.Patch(REV, List.of(RRsetChange.replace(ptr(PTR_NAME, FQDN, OURS)),
                RRsetChange.delete("9.0.0.10.in-addr.arpa.", "PTR"))), dns.patches.get(1));
        assertEquals(Optional.empty(), dns.rrset(REV, "9.0.0.10.in-addr.arpa.", "PTR"));
        assertTrue(result.message().contains("deleted our old PTR 9.0.0.10.in-addr.arpa."), result.message());
    }

    @Test
    void someoneElsesOldPtrIsLeftAlone() throws Exception {
        dns.put(ZONE, a("10.0.0.9", OURS)).put(REV, ptr("9.0.0.10.in-addr.arpa.", "x.lab.test.", Optional.empty()));
        step("10.0.0.5", false).run(false);
        assertTrue(dns.rrset(REV, "9.0.0.10.in-addr.arpa.", "PTR").isPresent());
    }

    @Test
    void driftInTtlOrOwnerLabelIsRepaired() throws Exception {
        dns.put(ZONE, new RRset(FQDN, "A", 300, List.of("10.0.0.5"), OURS))
                .put(REV, ptr(PTR_NAME, FQDN, Optional.of(new Comment(MARK.comment().content(), "old-label"))));
        StepResult result = step("10.0.0.5", false).run(false);
        assertTrue(result.changed());
        assertEquals(a("10.0.0.5", OURS), dns.rrset(ZONE, FQDN, "A").orElseThrow());
        assertEquals(ptr(PTR_NAME, FQDN, OURS), dns.rrset(REV, PTR_NAME, "PTR").orElseThrow());
    }

    @Test
    void unmarkedRecordsAreAdopted() throws Exception {
        dns.put(ZONE, a("10.0.0.5", Optional.of(new Comment("by hand", "ops"))));
        StepResult result = step("10.0.0.5", false).run(false);
        assertTrue(result.message().contains("adopted unmarked record A " + FQDN), result.message());
        assertEquals(OURS, dns.rrset(ZONE, FQDN, "A").orElseThrow().comment());
    }

    @Test
    void foreignMarkIsAConflictAndNothingIsWritten() throws Exception {
        dns.put(ZONE, a("10.0.0.7", FOREIGN));
        RecordConflictException e = assertThrows(RecordConflictException.class, () -> step("10.0.0.5", false).run(false));
        assertTrue(e.getMessage().contains(FQDN) && e.getMessage().contains(MarkTest.OTHER), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(MarkTest.OTHER, e.otherIdentity());
        assertEquals(List.of(), dns.patches);
    }

    @Test
    void aForeignPtrOfOurOwnAddressIsTakenOverItsHostNoLongerHoldsTheAddress() throws Exception {
        dns.put(REV, ptr(PTR_NAME, "w9.lab.test.", FOREIGN));
        StepResult result = step("10.0.0.5", false).run(false);
        assertTrue(result.message().contains("took over PTR " + PTR_NAME), result.message());
        assertEquals(ptr(PTR_NAME, FQDN, OURS), dns.rrset(REV, PTR_NAME, "PTR").orElseThrow());
    }

    @Test
    void aForeignARecordStopsThePtrToo() throws Exception {
        dns.put(ZONE, a("10.0.0.7", FOREIGN));
        assertThrows(RecordConflictException.class, () -> step("10.0.0.5", false).run(false));
        assertEquals(List.of(), dns.patches, "nothing written, the PTR neither");
    }

    @Test
    void takeOverReplacesForeignRecords() throws Exception {
        dns.put(ZONE, a("10.0.0.7", FOREIGN)).put(REV, ptr(PTR_NAME, "w9.lab.test.", FOREIGN));
        StepResult result = step("10.0.0.5", true).run(false);
        assertTrue(result.message().contains("took over A " + FQDN), result.message());
        assertEquals(a("10.0.0.5", OURS), dns.rrset(ZONE, FQDN, "A").orElseThrow());
        assertEquals(ptr(PTR_NAME, FQDN, OURS), dns.rrset(REV, PTR_NAME, "PTR").orElseThrow());
    }

    @Test
    void dryRunSaysWhatWouldChangeAndSendsNothing() throws Exception {
        dns.put(ZONE, a("10.0.0.9", OURS));
        StepResult result = step("10.0.0.5", false).run(true);
        assertTrue(result.changed());
        assertTrue(result.message().startsWith("would have "), result.message());
        assertEquals(Map.of("A", "10.0.0.9"), result.before());
        assertEquals(Map.of("A", "10.0.0.5", "PTR", FQDN), result.after());
        assertEquals(List.of(), dns.patches);
        assertEquals(a("10.0.0.9", OURS), dns.rrset(ZONE, FQDN, "A").orElseThrow());
    }

    @Test
    void withoutReverseZoneOnlyTheARecordIsTouched() throws Exception {
        StepResult result = new RecordStep(dns, ZONE, Optional.empty(), FQDN, "10.0.0.5", 60, MARK, false).run(false);
        assertEquals(Map.of("A", "10.0.0.5"), result.after());
        assertEquals(1, dns.gets.size());
        assertEquals(1, dns.patches.size());
    }

    // ---- the quick check ----

    @Test
    void quickPassWithExactAnswersSendsNoApiRequest() throws Exception {
        registered();
        StepResult result = quick("10.0.0.5").run(false);
        assertFalse(result.changed());
        assertEquals(FQDN + " already registered (checked by DNS): A 10.0.0.5, PTR " + PTR_NAME + " " + FQDN,
                result.message());
        assertEquals(Map.of("A", "10.0.0.5", "PTR", FQDN), result.before());
        assertEquals(List.of(), dns.gets, "no API request at all");
        assertEquals(List.of(), dns.patches);
        assertEquals(List.of(FQDN + " 1", PTR_NAME + " 12"), nameserver.asked);
    }

    @Test
    void quickCheckComparesNamesWithoutCase() throws Exception {
        registered();
        nameserver.replies.put(FQDN + " 1", new DnsQuery.Reply(true,
                List.of(new DnsQuery.Answer("W1.LAB.test.", DnsQuery.A, 60, "10.0.0.5"))));
        nameserver.replies.put(PTR_NAME + " 12", new DnsQuery.Reply(true,
                List.of(new DnsQuery.Answer(PTR_NAME, DnsQuery.PTR, 60, "W1.Lab.Test."))));
        assertFalse(quick("10.0.0.5").run(false).changed());
        assertEquals(List.of(), dns.gets);
    }

    @Test
    void quickCheckWithTheWrongAddressTakesTheApiPathAndRepairs() throws Exception {
        registered();
        nameserver.answers(FQDN, DnsQuery.A, 60, "10.0.0.9");
        dns.put(ZONE, a("10.0.0.9", OURS));
        StepResult result = quick("10.0.0.5").run(false);
        assertTrue(result.changed(), result.message());
        assertEquals(List.of(ZONE + " " + FQDN + " A", REV + " " + PTR_NAME + " PTR",
                REV + " 9.0.0.10.in-addr.arpa. PTR"), dns.gets);
        assertEquals(a("10.0.0.5", OURS), dns.rrset(ZONE, FQDN, "A").orElseThrow());
        assertEquals(List.of(FQDN + " 1"), nameserver.asked, "the PTR is not asked once the A is wrong");
    }

    @Test
    void quickCheckWithTheWrongTtlTakesTheApiPath() throws Exception {
        registered();
        nameserver.answers(FQDN, DnsQuery.A, 300, "10.0.0.5");
        dns.put(ZONE, new RRset(FQDN, "A", 300, List.of("10.0.0.5"), OURS));
        StepResult result = quick("10.0.0.5").run(false);
        assertTrue(result.changed(), result.message());
        assertEquals(2, dns.gets.size());
        assertEquals(List.of(new FakePowerDns.Patch(ZONE, List.of(RRsetChange.replace(a("10.0.0.5", OURS))))),
                dns.patches);
    }

    @Test
    void quickCheckWithNoAnswerTakesTheApiPath() throws Exception {
        StepResult result = quick("10.0.0.5").run(false);
        assertTrue(result.changed());
        assertEquals(2, dns.gets.size());
        assertEquals(2, dns.patches.size());
        assertEquals(a("10.0.0.5", OURS), dns.rrset(ZONE, FQDN, "A").orElseThrow());
    }

    @Test
    void aWrongPtrAloneTakesTheApiPath() throws Exception {
        registered();
        nameserver.answers(PTR_NAME, DnsQuery.PTR, 60, "w9.lab.test.");
        dns.put(REV, ptr(PTR_NAME, "w9.lab.test.", OURS));
        StepResult result = quick("10.0.0.5").run(false);
        assertTrue(result.changed());
        assertEquals(List.of(new FakePowerDns.Patch(REV, List.of(RRsetChange.replace(ptr(PTR_NAME, FQDN, OURS))))),
                dns.patches);
    }

    @Test
    void extraRecordsAForeignOwnerNameOrANonAuthoritativeAnswerAreNotExact() throws Exception {
        registered();
        List<DnsQuery.Reply> inexact = List.of(
                new DnsQuery.Reply(true, List.of(new DnsQuery.Answer(FQDN, DnsQuery.A, 60, "10.0.0.5"),
                        new DnsQuery.Answer(FQDN, DnsQuery.A, 60, "10.0.0.6"))),
                new DnsQuery.Reply(true, List.of(new DnsQuery.Answer("w9.lab.test.", DnsQuery.A, 60, "10.0.0.5"))),
                new DnsQuery.Reply(false, List.of(new DnsQuery.Answer(FQDN, DnsQuery.A, 60, "10.0.0.5"))));
        for (DnsQuery.Reply reply : inexact) {
            nameserver.replies.put(FQDN + " 1", reply);
            dns.gets.clear();
            StepResult result = quick("10.0.0.5").run(false);
            assertFalse(result.changed(), "PowerDNS holds the right records");
            assertEquals(2, dns.gets.size(), reply.toString());
        }
    }

    @Test
    void aNameserverThatDoesNotAnswerTakesTheApiPathAndTheResultSaysWhy() throws Exception {
        registered();
        nameserver.down = true;
        StepResult result = quick("10.0.0.5").run(false);
        assertFalse(result.changed());
        assertEquals(2, dns.gets.size());
        assertTrue(result.message().startsWith(FQDN + " already registered: A 10.0.0.5"), result.message());
        assertTrue(result.message().endsWith("(the DNS check disagreed: no answer from the fake within 1000 ms"
                + " (2 tries))"), result.message());
    }

    @Test
    void aThoroughPassReadsTheApiEvenWhenDnsWouldMatch() throws Exception {
        registered();
        StepResult result = new RecordStep(dns, Optional.empty(), ZONE, Optional.of(REV), FQDN, "10.0.0.5", 60,
                MARK, false).run(false);
        assertFalse(result.changed());
        assertEquals(FQDN + " already registered: A 10.0.0.5, PTR " + PTR_NAME + " " + FQDN, result.message());
        assertEquals(2, dns.gets.size());
        assertEquals(List.of(), nameserver.asked, "the nameserver is not asked");
    }

    @Test
    void aThoroughPassSeesAMarkTheNameserverCannotShow() throws Exception {
        registered();
        dns.put(ZONE, a("10.0.0.5", Optional.of(new Comment("by hand", "ops"))));
        assertFalse(quick("10.0.0.5").run(false).changed(), "DNS shows the right address");
        StepResult thorough = step("10.0.0.5", false).run(false);
        assertTrue(thorough.message().contains("adopted unmarked record A " + FQDN), thorough.message());
    }

    @Test
    void withoutReverseZoneTheQuickCheckAsksForTheAOnly() throws Exception {
        nameserver.answers(FQDN, DnsQuery.A, 60, "10.0.0.5");
        StepResult result = new RecordStep(dns, Optional.of(nameserver), ZONE, Optional.empty(), FQDN, "10.0.0.5",
                60, MARK, false).run(false);
        assertFalse(result.changed());
        assertEquals(Map.of("A", "10.0.0.5"), result.before());
        assertEquals(List.of(FQDN + " 1"), nameserver.asked);
        assertEquals(List.of(), dns.gets);
    }

    // ---- a PTR another host marked ----

    @Test
    void aForeignPtrWhoseHostStillHoldsTheAddressIsAConflictAndNothingIsWritten() throws Exception {
        RRset theirA = new RRset("w9.lab.test.", "A", 60, List.of("10.0.0.5"), FOREIGN);
        dns.put(ZONE, theirA).put(REV, ptr(PTR_NAME, "w9.lab.test.", FOREIGN));
        RecordConflictException e = assertThrows(RecordConflictException.class,
                () -> step("10.0.0.5", false).run(false));
        assertEquals("PTR " + PTR_NAME + " of 10.0.0.5 belongs to w9.lab.test. (identity " + MarkTest.OTHER
                + "), whose A record still points at 10.0.0.5: two hosts claim 10.0.0.5; not taking its PTR for "
                + FQDN + " without take-over", e.getMessage());
        assertEquals(MarkTest.OTHER, e.otherIdentity());
        assertEquals("PTR", e.type());
        assertEquals(List.of(), dns.patches, "neither our A nor the PTR");
        assertEquals(Optional.of(theirA), dns.rrset(ZONE, "w9.lab.test.", "A"));
        assertEquals(List.of(ZONE + " " + FQDN + " A", REV + " " + PTR_NAME + " PTR", ZONE + " w9.lab.test. A"),
                dns.gets);
    }

    @Test
    void theConflictStandsInAQuickPassToo() throws Exception {
        dns.put(ZONE, new RRset("w9.lab.test.", "A", 60, List.of("10.0.0.5"), FOREIGN))
                .put(REV, ptr(PTR_NAME, "w9.lab.test.", FOREIGN));
        nameserver.answers(PTR_NAME, DnsQuery.PTR, 60, "w9.lab.test."); // and our A: nothing
        assertThrows(RecordConflictException.class, () -> quick("10.0.0.5").run(false));
        assertEquals(List.of(), dns.patches);
    }

    @Test
    void aForeignPtrWhoseHostMovedOnIsTakenOver() throws Exception {
        dns.put(ZONE, new RRset("w9.lab.test.", "A", 60, List.of("10.0.0.77"), FOREIGN))
                .put(REV, ptr(PTR_NAME, "w9.lab.test.", FOREIGN));
        StepResult result = step("10.0.0.5", false).run(false);
        assertTrue(result.message().contains("took over PTR " + PTR_NAME + " " + FQDN + " from identity "
                + MarkTest.OTHER), result.message());
        assertEquals(ptr(PTR_NAME, FQDN, OURS), dns.rrset(REV, PTR_NAME, "PTR").orElseThrow());
    }

    @Test
    void aForeignPtrWhoseTargetIsMarkedByAThirdIdentityOrUnmarkedOrOutsideTheZoneIsTakenOver() throws Exception {
        for (Optional<Comment> targetMark : List.of(Optional.of(new Comment("berth identity " + THIRD, "x")),
                Optional.<Comment>empty(), Optional.of(new Comment("by hand", "ops")))) {
            dns.put(ZONE, new RRset("w9.lab.test.", "A", 60, List.of("10.0.0.5"), targetMark))
                    .put(REV, ptr(PTR_NAME, "w9.lab.test.", FOREIGN));
            step("10.0.0.5", false).run(false);
            assertEquals(ptr(PTR_NAME, FQDN, OURS), dns.rrset(REV, PTR_NAME, "PTR").orElseThrow(), targetMark.toString());
        }
        dns.put(REV, ptr(PTR_NAME, "w9.elsewhere.test.", FOREIGN));
        dns.gets.clear();
        step("10.0.0.5", false).run(false);
        assertEquals(ptr(PTR_NAME, FQDN, OURS), dns.rrset(REV, PTR_NAME, "PTR").orElseThrow());
        assertEquals(2, dns.gets.size(), "a target outside the zone is not read");
    }

    @Test
    void takeOverTakesAPtrWhoseHostStillHoldsTheAddress() throws Exception {
        dns.put(ZONE, new RRset("w9.lab.test.", "A", 60, List.of("10.0.0.5"), FOREIGN))
                .put(REV, ptr(PTR_NAME, "w9.lab.test.", FOREIGN));
        StepResult result = step("10.0.0.5", true).run(false);
        assertTrue(result.message().contains("took over PTR " + PTR_NAME), result.message());
        assertEquals(ptr(PTR_NAME, FQDN, OURS), dns.rrset(REV, PTR_NAME, "PTR").orElseThrow());
        assertEquals(2, dns.gets.size(), "with take-over the other host's A is not read");
    }

    @Test
    void inputsOutsideTheirZonesAreRejectedUpFront() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> step("10.0.1.5", false));
        assertEquals("reverse zone 0.0.10.in-addr.arpa. does not contain 5.1.0.10.in-addr.arpa. (the PTR of 10.0.1.5)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new RecordStep(dns, ZONE, Optional.empty(), "w1.other.test", "10.0.0.5", 60, MARK, false));
        assertThrows(IllegalArgumentException.class, () -> step("10.0.0.500", false));
    }
}
