package io.berth.agent.dns;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An in-memory PowerDNS: zones of RRsets, with every GET and PATCH recorded. */
final class FakePowerDns implements PowerDns {

    record Patch(String zone, List<RRsetChange> changes) {
    }

    private final Map<String, Map<String, RRset>> zones = new LinkedHashMap<>();
    final List<String> gets = new ArrayList<>();
    final List<Patch> patches = new ArrayList<>();

    FakePowerDns zone(String zone) {
        zones.put(zone, new LinkedHashMap<>());
        return this;
    }

    FakePowerDns put(String zone, RRset rrset) {
        zones.get(zone).put(key(rrset.name(), rrset.type()), rrset);
        return this;
    }

    Optional<RRset> rrset(String zone, String name, String type) {
        return Optional.ofNullable(zones.get(zone).get(key(name, type)));
    }

    int size(String zone) {
        return zones.get(zone).size();
    }

    @Override
    public Optional<RRset> get(String zone, String name, String type) throws DnsException {
        gets.add(zone + " " + name + " " + type);
        return rrset(existing(zone), name, type);
    }

    @Override
    public void patch(String zone, List<RRsetChange> changes) throws DnsException {
        patches.add(new Patch(zone, List.copyOf(changes)));
        Map<String, RRset> rrsets = zones.get(existing(zone));
        for (RRsetChange change : changes) {
            switch (change) {
                case RRsetChange.Replace replace -> rrsets.put(key(change.name(), change.type()), replace.rrset());
                case RRsetChange.Delete delete -> rrsets.remove(key(change.name(), change.type()));
            }
        }
    }

    private String existing(String zone) throws DnsException {
        if (!zones.containsKey(zone)) {
            throw new DnsException("zone " + zone + " not found on fake", false);
        }
        return zone;
    }

    private static String key(String name, String type) {
        return name + " " + type;
    }
}
