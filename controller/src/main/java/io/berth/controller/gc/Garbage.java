package io.berth.controller.gc;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeState;
import io.berth.agent.dns.Mark;
import io.berth.agent.dns.RRset;
import io.berth.controller.pool.Fleet;
import io.berth.controller.pool.PoolView;
import io.berth.controller.provider.Vm;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What is left of VMs that are gone: Down Swarm nodes and A/PTR records whose Berth identity (node label
 * {@code berth.identity}, the mark in the record's comment) is no VM the provider has. Matched by identity only,
 * never by name or address; a node or record without Berth's mark is never garbage, nor is anything whose identity
 * a VM or a Ready node still holds (an agent is alive there, whoever made it).
 */
public record Garbage(List<StaleNode> nodes, List<StaleRecord> records) {

    public record StaleNode(String id, String hostname, String identity, String pool) {
        String text() {
            return "node " + id + " (" + hostname + (pool == null ? "" : ", pool " + pool) + ", down)";
        }
    }

    public record StaleRecord(String zone, String name, String type, String contents, String identity) {
        String text() {
            return type + " " + name + " " + contents;
        }
    }

    @JsonIgnore
    public boolean isEmpty() {
        return nodes.isEmpty() && records.isEmpty();
    }

    /** Every item, as one line each: {@code node abc (blue2, pool blue, down)}, {@code A blue2.lab. 10.0.0.5}. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        nodes.forEach(n -> lines.add(n.text()));
        records.forEach(r -> lines.add(r.text()));
        return lines;
    }

    /**
     * Reads the Swarm's nodes and the zones first, the provider's VMs last: a VM made while this runs is then
     * either listed or made after its records were read, so its fresh records are never taken for garbage.
     */
    public static Garbage find(Fleet fleet) throws Exception {
        List<SwarmNode> nodes = fleet.managers().call(m -> m.client().listSwarmNodesCmd().exec());
        var dns = fleet.config().dns();
        List<RRset> forward = fleet.dns().rrsets(dns.zone());
        List<RRset> reverse = dns.reverseZone().isPresent() ? fleet.dns().rrsets(dns.reverseZone().get()) : List.of();
        List<Vm> vms = PoolView.await(fleet.provider().list(Optional.empty()), PoolView.LIST);
        Set<String> vmIds = new HashSet<>();
        vms.forEach(vm -> vmIds.add(vm.id().toLowerCase(Locale.ROOT)));
        return of(nodes, dns.zone(), forward, dns.reverseZone().orElse(null), reverse, vmIds);
    }

    /** The judgement itself, on what was read. */
    static Garbage of(List<SwarmNode> nodes, String zone, List<RRset> forward, String reverseZone,
                      List<RRset> reverse, Set<String> vmIds) {
        Set<String> alive = new HashSet<>(vmIds);
        for (SwarmNode n : nodes) {
            identity(n).filter(id -> state(n) == SwarmNodeState.READY).ifPresent(alive::add);
        }
        List<StaleNode> staleNodes = new ArrayList<>();
        for (SwarmNode n : nodes) {
            Optional<String> id = identity(n);
            // Only Down: a node that is merely unknown or disconnected for a moment may come back.
            if (id.isPresent() && !vmIds.contains(id.get()) && state(n) == SwarmNodeState.DOWN) {
                staleNodes.add(new StaleNode(n.getId(), n.getDescription() == null ? null
                        : n.getDescription().getHostname(), id.get(), PoolView.label(n, PoolView.POOL_LABEL)));
            }
        }
        List<StaleRecord> staleRecords = new ArrayList<>();
        stale(zone, forward, "A", alive, staleRecords);
        stale(reverseZone, reverse, "PTR", alive, staleRecords);
        return new Garbage(List.copyOf(staleNodes), List.copyOf(staleRecords));
    }

    /** The RRsets of {@code type} in {@code rrsets} whose Berth mark names an identity not in {@code alive}. */
    private static void stale(String zone, List<RRset> rrsets, String type, Set<String> alive, List<StaleRecord> out) {
        for (RRset r : rrsets) {
            if (!r.type().equals(type)) {
                continue;
            }
            Mark.identityOf(r.comment()).filter(id -> !alive.contains(id))
                    .ifPresent(id -> out.add(new StaleRecord(zone, r.name(), r.type(), r.joined(), id)));
        }
    }

    private static Optional<String> identity(SwarmNode n) {
        return Optional.ofNullable(PoolView.label(n, PoolView.IDENTITY_LABEL)).map(id -> id.toLowerCase(Locale.ROOT));
    }

    private static SwarmNodeState state(SwarmNode n) {
        return n.getStatus() == null ? null : n.getStatus().getState();
    }
}
