package io.berth.agent.dns;

import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Deletes this host's A record and PTR if they carry our mark (one PATCH per zone); leaves anything else alone. */
public final class DeregisterStep implements Step {

    private final PowerDns dns;
    private final String zone;
    private final Optional<String> reverseZone;
    private final String fqdn;
    private final Mark mark;
    private final Optional<String> lastKnownAddress;

    /**
     * {@code lastKnownAddress}: where to look for the PTR when the A record is not ours (or gone) and so cannot
     * say which address this host had.
     */
    public DeregisterStep(PowerDns dns, String zone, Optional<String> reverseZone, String fqdn, Mark mark,
                          Optional<String> lastKnownAddress) {
        this.dns = dns;
        this.zone = Names.absolute(zone);
        this.reverseZone = reverseZone.map(Names::absolute);
        this.fqdn = Names.absolute(fqdn);
        this.mark = mark;
        this.lastKnownAddress = lastKnownAddress;
        if (!Names.inZone(this.fqdn, this.zone)) {
            throw new IllegalArgumentException(this.fqdn + " is not inside zone " + this.zone);
        }
        lastKnownAddress.filter(address -> !Names.isIpv4(address)).ifPresent(address -> {
            throw new IllegalArgumentException("not an IPv4 address: '" + address + "'");
        });
    }

    @Override
    public String name() {
        return "deregister";
    }

    @Override
    public StepResult run(boolean dryRun) throws DnsException, InterruptedException {
        Map<String, List<RRsetChange>> patches = new LinkedHashMap<>();
        List<String> deleted = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        Map<String, String> before = new LinkedHashMap<>();
        Map<String, String> after = new LinkedHashMap<>();

        Optional<RRset> a = dns.get(zone, fqdn, "A");
        a.ifPresent(rrset -> before.put("A", rrset.joined()));
        judge(zone, a, "A " + fqdn, "A", patches, deleted, kept, after);

        // Our A says which address we had; otherwise trust the caller's memory.
        Set<String> addresses = new LinkedHashSet<>();
        if (a.isPresent() && mark.isOurs(a.get().comment())) {
            a.get().contents().stream().filter(Names::isIpv4).forEach(addresses::add);
        } else {
            lastKnownAddress.ifPresent(addresses::add);
        }
        if (reverseZone.isPresent()) {
            String rz = reverseZone.get();
            for (String address : addresses) {
                String reverseName = Names.reverseName(address);
                if (!Names.inZone(reverseName, rz)) {
                    kept.add("PTR " + reverseName + " is outside reverse zone " + rz + ", not looked at");
                    continue;
                }
                Optional<RRset> ptr = dns.get(rz, reverseName, "PTR");
                ptr.ifPresent(rrset -> before.merge("PTR", rrset.joined(), (x, y) -> x + "," + y));
                judge(rz, ptr, "PTR " + reverseName, "PTR", patches, deleted, kept, after);
            }
        }

        if (patches.isEmpty()) {
            return StepResult.unchanged(fqdn + ": " + String.join("; ", kept), before);
        }
        if (!dryRun) {
            for (Map.Entry<String, List<RRsetChange>> patch : patches.entrySet()) {
                dns.patch(patch.getKey(), patch.getValue());
            }
        }
        String message = (dryRun ? "would have deleted " : "deleted ") + String.join(", ", deleted)
                + (kept.isEmpty() ? "" : "; " + String.join("; ", kept));
        return StepResult.changed(message, before, after);
    }

    /** Ours → DELETE; gone → nothing; unmarked or foreign → kept, and said so. */
    private void judge(String zone, Optional<RRset> current, String what, String key,
                       Map<String, List<RRsetChange>> patches, List<String> deleted, List<String> kept,
                       Map<String, String> after) {
        if (current.isEmpty()) {
            kept.add(what + " already gone");
            return;
        }
        RRset rrset = current.get();
        if (mark.isOurs(rrset.comment())) {
            patches.computeIfAbsent(zone, z -> new ArrayList<>()).add(RRsetChange.delete(rrset.name(), rrset.type()));
            deleted.add(what + " " + rrset.joined());
            return;
        }
        after.merge(key, rrset.joined(), (x, y) -> x + "," + y);
        kept.add(what + (mark.isForeign(rrset.comment())
                ? " belongs to identity " + Mark.identityOf(rrset.comment()).orElseThrow() + ", left untouched"
                : " is unmarked, left untouched"));
    }
}
