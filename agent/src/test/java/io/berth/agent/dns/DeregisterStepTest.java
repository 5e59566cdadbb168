package io.berth.agent.dns;

import static io.berth.agent.dns.RecordStepTest.FOREIGN;
import static io.berth.agent.dns.RecordStepTest.FQDN;
import static io.berth.agent.dns.RecordStepTest.MARK;
import static io.berth.agent.dns.RecordStepTest.OURS;
import static io.berth.agent.dns.RecordStepTest.PTR_NAME;
import static io.berth.agent.dns.RecordStepTest.REV;
import static io.berth.agent.dns.RecordStepTest.ZONE;
import static io.berth.agent.dns.RecordStepTest.a;
import static io.berth.agent.dns.RecordStepTest.ptr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.agent.step.StepResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeregisterStepTest {

    final FakePowerDns dns = new FakePowerDns().zone(ZONE).zone(REV);

    DeregisterStep step(Optional<String> lastKnown) {
        return new DeregisterStep(dns, ZONE, Optional.of(REV), FQDN, MARK, lastKnown);
    }

    @Test
    void ourRecordsAreDeletedWithOnePatchPerZone() throws Exception {
        dns.put(ZONE, a("10.0.0.5", OURS)).put(REV, ptr(PTR_NAME, FQDN, OURS));
        StepResult result = step(Optional.empty()).run(false);
        assertTrue(result.changed());
        assertEquals(Map.of("A", "10.0.0.5", "PTR", FQDN), result.before());
        assertEquals(Map.of(), result.after());
        assertEquals(List.of(new FakePowerDns.Patch(ZONE, List.of(RRsetChange.delete(FQDN, "A"))),
                new FakePowerDns.Patch(REV, List.of(RRsetChange.delete(PTR_NAME, "PTR")))), dns.patches);
    }

    @Test
    void goneIsUnchanged() throws Exception {
        StepResult result = step(Optional.of("10.0.0.5")).run(false);
        assertFalse(result.changed());
        assertTrue(result.message().contains("already gone"), result.message());
        assertEquals(List.of(), dns.patches);
    }

    @Test
    void foreignAndUnmarkedRecordsAreLeftAndSaidSo() throws Exception {
        dns.put(ZONE, a("10.0.0.5", FOREIGN)).put(REV, ptr(PTR_NAME, FQDN, Optional.empty()));
        StepResult result = step(Optional.of("10.0.0.5")).run(false);
        assertFalse(result.changed());
        assertTrue(result.message().contains("belongs to identity " + MarkTest.OTHER + ", left untouched"),
                result.message());
        assertTrue(result.message().contains("is unmarked, left untouched"), result.message());
        assertEquals(List.of(), dns.patches);
    }

    @Test
    void withoutOurARecordThePtrIsFoundByTheLastKnownAddress() throws Exception {
        dns.put(REV, ptr(PTR_NAME, FQDN, OURS));
        StepResult result = step(Optional.of("10.0.0.5")).run(false);
        assertTrue(result.changed());
        assertEquals(List.of(new FakePowerDns.Patch(REV, List.of(RRsetChange.delete(PTR_NAME, "PTR")))), dns.patches);
    }

    @Test
    void dryRunDeletesNothing() throws Exception {
        dns.put(ZONE, a("10.0.0.5", OURS));
        StepResult result = step(Optional.empty()).run(true);
        assertTrue(result.changed());
        assertTrue(result.message().startsWith("would have deleted A " + FQDN), result.message());
        assertEquals(List.of(), dns.patches);
    }
}
