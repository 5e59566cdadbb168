package io.berth.agent.dns;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the GETs and PATCHes a step makes, per zone, and passes them on. */
final class CountingPowerDns implements PowerDns {

    private final PowerDns delegate;
    private final Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> patches = new ConcurrentHashMap<>();

    CountingPowerDns(PowerDns delegate) {
        this.delegate = delegate;
    }

    int gets(String zone) {
        return gets.getOrDefault(zone, new AtomicInteger()).get();
    }

    int patches(String zone) {
        return patches.getOrDefault(zone, new AtomicInteger()).get();
    }

    int patches() {
        return patches.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    void reset() {
        gets.clear();
        patches.clear();
    }

    @Override
    public Optional<RRset> get(String zone, String name, String type) throws DnsException, InterruptedException {
        gets.computeIfAbsent(zone, z -> new AtomicInteger()).incrementAndGet();
        return delegate.get(zone, name, type);
    }

    @Override
    public void patch(String zone, List<RRsetChange> changes) throws DnsException, InterruptedException {
        patches.computeIfAbsent(zone, z -> new AtomicInteger()).incrementAndGet();
        delegate.patch(zone, changes);
    }
}
