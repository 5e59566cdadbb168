package io.berth.agent.dns;

import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Registers this host's A record (and its PTR) under the agent's mark: reads both, then one PATCH per zone.
 *
 * <p>With a quick check (a pass that is not thorough), it first asks the authoritative nameserver: when the A
 * (and the PTR) answer exactly the wanted content with the wanted TTL, nothing is asked of the API. A DNS answer
 * cannot show the RRset's comment (the mark), so thorough passes read the RRsets over the API and check it.
 * PowerDNS 4.7 answers a filtered GET with every commented RRset of the zone (pdns#14539): the API read costs
 * O(zone) bytes, the DNS query one small packet.
 */
public final class RecordStep implements Step {

    private final PowerDns dns;
    private final Optional<DnsLookup> quickCheck;
    private final String zone;
    private final Optional<String> reverseZone;
    private final String fqdn;
    private final String address;
    private final int ttl;
    private final Mark mark;
    private final boolean takeOver;

    /**
     * {@code fqdn} must lie in {@code zone} and, with a reverse zone, the address's reverse name in it.
     * {@code takeOver}: replace RRsets another berth identity marked instead of failing.
     */
    public RecordStep(PowerDns dns, String zone, Optional<String> reverseZone, String fqdn, String address, int ttl,
                      Mark mark, boolean takeOver) {
        this(dns, Optional.empty(), zone, reverseZone, fqdn, address, ttl, mark, takeOver);
    }

    /**
     * As above; {@code quickCheck}: the nameserver to ask first (a quick pass), empty for a thorough one (the API
     * is read every time).
     */
    public RecordStep(PowerDns dns, Optional<DnsLookup> quickCheck, String zone, Optional<String> reverseZone,
                      String fqdn, String address, int ttl, Mark mark, boolean takeOver) {
        this.dns = dns;
        this.quickCheck = quickCheck;
        this.zone = Names.absolute(zone);
        this.reverseZone = reverseZone.map(Names::absolute);
        this.fqdn = Names.absolute(fqdn);
        this.address = address;
        this.ttl = ttl;
        this.mark = mark;
        this.takeOver = takeOver;
        if (!Names.inZone(this.fqdn, this.zone)) {
            throw new IllegalArgumentException(this.fqdn + " is not inside zone " + this.zone);
        }
        if (!Names.isIpv4(address)) {
            throw new IllegalArgumentException("not an IPv4 address: '" + address + "'");
        }
        if (ttl < 1) {
            throw new IllegalArgumentException("ttl must be positive: " + ttl);
        }
        this.reverseZone.ifPresent(rz -> {
            if (!Names.inZone(Names.reverseName(address), rz)) {
                throw new IllegalArgumentException("reverse zone " + rz + " does not contain "
                        + Names.reverseName(address) + " (the PTR of " + address + ")");
            }
        });
    }

    @Override
    public String name() {
        return "record";
    }

    @Override
    public StepResult run(boolean dryRun) throws DnsException, InterruptedException {
        String registered = "A " + address + reverseZone.map(rz -> ", PTR " + Names.reverseName(address) + " " + fqdn)
                .orElse("");
        Optional<String> dnsMiss = Optional.empty();
        if (quickCheck.isPresent()) {
            dnsMiss = dnsMismatch(quickCheck.get());
            if (dnsMiss.isEmpty()) {
                Map<String, String> state = new LinkedHashMap<>();
                state.put("A", address);
                reverseZone.ifPresent(rz -> state.put("PTR", fqdn));
                return StepResult.unchanged(fqdn + " already registered (checked by DNS): " + registered, state);
            }
        }

        RRset wantA = new RRset(fqdn, "A", ttl, List.of(address), Optional.of(mark.comment()));
        Optional<RRset> a = dns.get(zone, fqdn, "A");
        Optional<RRset> ptr = Optional.empty();
        Optional<RRset> wantPtr = Optional.empty();
        if (reverseZone.isPresent()) {
            String reverseName = Names.reverseName(address);
            ptr = dns.get(reverseZone.get(), reverseName, "PTR");
            wantPtr = Optional.of(new RRset(reverseName, "PTR", ttl, List.of(fqdn), Optional.of(mark.comment())));
        }

        // Decide everything (conflicts throw here) before writing anything.
        Map<String, List<RRsetChange>> patches = new LinkedHashMap<>();
        List<String> said = new ArrayList<>();
        decide(zone, a, wantA, takeOver, patches, said);
        if (wantPtr.isPresent()) {
            // The PTR of our own address is ours to take once another host that marked it no longer holds the
            // address (a crashed VM whose IP was handed on); while that host's A still points here, two live
            // hosts claim one address, and taking it would only start a swap every pass.
            if (!takeOver) {
                requireNoLiveOwner(ptr, a);
            }
            decide(reverseZone.get(), ptr, wantPtr.get(), true, patches, said);
            if (a.isPresent() && mark.isOurs(a.get().comment())) {
                deleteOldPtrs(a.get(), patches, said);
            }
        }

        Map<String, String> before = state(a, ptr);
        Map<String, String> after = state(Optional.of(wantA), wantPtr);
        if (patches.isEmpty()) {
            // A DNS answer that disagrees with a right RRset (a lagging secondary, a cache in front): say so, or
            // every quick pass would read the API without a word.
            return StepResult.unchanged(fqdn + " already registered: " + registered
                    + dnsMiss.map(miss -> " (the DNS check disagreed: " + miss + ")").orElse(""), before);
        }
        if (!dryRun) {
            for (Map.Entry<String, List<RRsetChange>> patch : patches.entrySet()) {
                dns.patch(patch.getKey(), patch.getValue());
            }
        }
        return StepResult.changed((dryRun ? "would have " : "") + String.join("; ", said), before, after);
    }

    /**
     * Why the nameserver's answers are not exactly the wanted records (content, owner name, TTL, authority), or
     * empty when they are. No answer at all is a reason too: the API decides then.
     */
    private Optional<String> dnsMismatch(DnsLookup nameserver) {
        try {
            Optional<String> a = mismatch(nameserver.ask(fqdn, DnsQuery.A), "A", fqdn, address);
            if (a.isPresent() || reverseZone.isEmpty()) {
                return a;
            }
            String reverseName = Names.reverseName(address);
            return mismatch(nameserver.ask(reverseName, DnsQuery.PTR), "PTR", reverseName, fqdn);
        } catch (IOException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    private Optional<String> mismatch(DnsQuery.Reply reply, String type, String name, String wanted) {
        List<DnsQuery.Answer> answers = reply.answers();
        if (answers.size() == 1) {
            DnsQuery.Answer answer = answers.get(0);
            if (reply.authoritative() && answer.name().equalsIgnoreCase(name) && answer.data().equalsIgnoreCase(wanted)
                    && answer.ttl() == ttl) {
                return Optional.empty();
            }
        }
        String got = answers.isEmpty() ? "nothing" : answers.stream()
                .map(answer -> answer.name().equalsIgnoreCase(name) ? answer.data() + " ttl " + answer.ttl()
                        : answer.name() + " " + answer.data() + " ttl " + answer.ttl())
                .collect(Collectors.joining(", "));
        return Optional.of(type + " " + name + " answered " + got + (reply.authoritative() ? "" : " (not authoritative)")
                + ", not " + wanted + " ttl " + ttl);
    }

    /**
     * Throws if another berth identity marked the PTR of our address and that host is alive at it: its A record
     * (the PTR's target, in our zone) still points at the address under the same mark. A host that moved or went
     * away no longer blocks the PTR.
     */
    private void requireNoLiveOwner(Optional<RRset> ptr, Optional<RRset> ourA) throws DnsException, InterruptedException {
        if (ptr.isEmpty() || !mark.isForeign(ptr.get().comment())) {
            return;
        }
        String other = Mark.identityOf(ptr.get().comment()).orElseThrow();
        for (String content : ptr.get().contents()) {
            String target;
            try {
                target = Names.absolute(content);
            } catch (IllegalArgumentException empty) {
                continue;
            }
            if (!Names.inZone(target, zone)) {
                continue; // not ours to read: the PTR goes to this host as before
            }
            Optional<RRset> theirA = target.equals(fqdn) ? ourA : dns.get(zone, target, "A");
            if (theirA.isPresent() && theirA.get().contents().contains(address)
                    && Mark.identityOf(theirA.get().comment()).filter(other::equals).isPresent()) {
                throw RecordConflictException.addressInUse(ptr.get().name(), address, target, other, fqdn);
            }
        }
    }

    /** Adds the change that turns {@code current} into {@code wanted}, if any, and says what it is. */
    private void decide(String zone, Optional<RRset> current, RRset wanted, boolean mayTakeOver,
                        Map<String, List<RRsetChange>> patches, List<String> said) throws RecordConflictException {
        String what = wanted.type() + " " + wanted.name() + " " + wanted.joined();
        if (current.isEmpty()) {
            said.add("created " + what);
        } else {
            RRset old = current.get();
            String was = " (was " + old.joined() + ", ttl " + old.ttl() + ")";
            if (mark.isOurs(old.comment())) {
                if (same(old, wanted)) {
                    return;
                }
                said.add("updated " + what + was);
            } else if (mark.isForeign(old.comment())) {
                String other = Mark.identityOf(old.comment()).orElseThrow();
                if (!mayTakeOver) {
                    throw new RecordConflictException(wanted.name(), wanted.type(), other);
                }
                said.add("took over " + what + " from identity " + other + was);
            } else {
                said.add("adopted unmarked record " + what + was);
            }
        }
        patches.computeIfAbsent(zone, z -> new ArrayList<>()).add(RRsetChange.replace(wanted));
    }

    /** Our A pointed elsewhere before: our PTRs of those old addresses go in the same reverse-zone PATCH. */
    private void deleteOldPtrs(RRset ourA, Map<String, List<RRsetChange>> patches, List<String> said)
            throws DnsException, InterruptedException {
        String rz = reverseZone.orElseThrow();
        for (String old : ourA.contents()) {
            if (old.equals(address) || !Names.isIpv4(old) || !Names.inZone(Names.reverseName(old), rz)) {
                continue;
            }
            String oldName = Names.reverseName(old);
            Optional<RRset> oldPtr = dns.get(rz, oldName, "PTR");
            if (oldPtr.isPresent() && mark.isOurs(oldPtr.get().comment())) {
                patches.computeIfAbsent(rz, z -> new ArrayList<>()).add(RRsetChange.delete(oldName, "PTR"));
                said.add("deleted our old PTR " + oldName + " " + oldPtr.get().joined());
            }
        }
    }

    /** Same records (DNS names compare without case), TTL and mark (a changed owner label is rewritten). */
    private static boolean same(RRset old, RRset wanted) {
        return lower(old.contents()).equals(lower(wanted.contents())) && old.ttl() == wanted.ttl()
                && old.comment().equals(wanted.comment());
    }

    private static Set<String> lower(List<String> contents) {
        return contents.stream().map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /** {"A": "10.0.0.5", "PTR": "w1.zone."} for the diff; an absent RRset has no key. */
    static Map<String, String> state(Optional<RRset> a, Optional<RRset> ptr) {
        Map<String, String> state = new LinkedHashMap<>();
        a.ifPresent(rrset -> state.put("A", rrset.joined()));
        ptr.ifPresent(rrset -> state.put("PTR", rrset.joined()));
        return state;
    }
}
