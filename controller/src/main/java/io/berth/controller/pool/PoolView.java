package io.berth.controller.pool;

import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskState;
import io.berth.config.AgentConfig;
import io.berth.config.BerthConfig;
import io.berth.controller.provider.Vm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A pool as it is now, joined from the provider (VMs), the Swarm (nodes, by the label {@code berth.identity} =
 * the VM's id) and PowerDNS (the A record of each member's name), with every disagreement named. Read anew by
 * every command: berth keeps no state of its own.
 */
public record PoolView(String pool, Integer size, List<Member> members) {

    public static final String POOL_LABEL = BerthConfig.POOL_LABEL;
    public static final String IDENTITY_LABEL = AgentConfig.Swarm.IDENTITY_LABEL;

    /** How long the provider may take to list its VMs. */
    public static final Duration LIST = Duration.ofSeconds(30);

    /**
     * One member: its VM, its node and its record, each null when missing. {@code nodeState} is the Swarm's
     * (ready, down…), {@code availability} active, pause or drain; {@code tasks} the tasks running on the node.
     */
    public record Member(String name, String vmId, String vm, String address, String nodeId, String nodeState,
                         String availability, int tasks, String record, List<String> problems) {

        /** Active and running tasks: the load is here, so destroying it would cut capacity. */
        public boolean carriesLoad() {
            return "active".equals(availability) && tasks > 0;
        }

        /** Joined, ready, active and its record pointing at it: what {@code pool create} waits for. */
        public boolean ready() {
            return problems.isEmpty() && "ready".equals(nodeState) && "active".equals(availability);
        }
    }

    public List<String> problems() {
        return members.stream().flatMap(m -> m.problems().stream().map(p -> m.name() + ": " + p)).toList();
    }

    public Optional<Member> member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** Every pool: those berth.yml names, and those the provider or the Swarm know of. */
    public static List<PoolView> readAll(Fleet fleet) throws Exception {
        Snapshot snapshot = Snapshot.take(fleet, Optional.empty());
        TreeSet<String> pools = new TreeSet<>();
        fleet.config().pools().forEach(p -> pools.add(p.name()));
        snapshot.vms().forEach(vm -> pools.add(vm.pool()));
        snapshot.nodes().forEach(n -> pools.add(label(n, POOL_LABEL)));
        List<PoolView> views = new ArrayList<>();
        for (String pool : pools) {
            views.add(join(pool, size(fleet, pool), snapshot));
        }
        return views;
    }

    public static PoolView read(Fleet fleet, String pool) throws Exception {
        return join(pool, size(fleet, pool), Snapshot.take(fleet, Optional.of(pool)));
    }

    private static Integer size(Fleet fleet, String pool) {
        return fleet.config().pool(pool).map(p -> p.size()).orElse(null);
    }

    /**
     * What the provider, the Swarm and PowerDNS say, read once per command: the VMs, the nodes that carry a pool
     * label (one list), the running tasks per node (one list), and the A record of every name seen.
     */
    record Snapshot(List<Vm> vms, List<SwarmNode> nodes, Map<String, Integer> runningTasks,
                    Map<String, String> records) {
        static Snapshot take(Fleet fleet, Optional<String> pool) throws Exception {
            List<Vm> vms = await(fleet.provider().list(pool), LIST);
            List<SwarmNode> nodes = fleet.managers().call(m -> m.client().listSwarmNodesCmd().exec()).stream()
                    .filter(n -> label(n, POOL_LABEL) != null)
                    .filter(n -> pool.isEmpty() || pool.get().equals(label(n, POOL_LABEL)))
                    .toList();
            Map<String, Integer> running = new HashMap<>();
            if (!nodes.isEmpty()) {
                for (Task t : fleet.managers().call(m -> m.client().listTasksCmd().exec())) {
                    if (t.getNodeId() != null && t.getStatus() != null && t.getStatus().getState() == TaskState.RUNNING
                            && t.getDesiredState() == TaskState.RUNNING) {
                        running.merge(t.getNodeId(), 1, Integer::sum);
                    }
                }
            }
            TreeSet<String> names = new TreeSet<>();
            vms.forEach(vm -> names.add(vm.name()));
            nodes.forEach(n -> names.add(hostname(n)));
            Map<String, String> records = new HashMap<>();
            for (String name : names) {
                fleet.dns().get(fleet.config().dns().zone(), fleet.fqdn(name), "A")
                        .ifPresent(a -> records.put(name, a.joined()));
            }
            return new Snapshot(vms, nodes, running, records);
        }
    }

    /** The members of {@code pool}: VMs and nodes joined by identity, each with its record and disagreements. */
    static PoolView join(String pool, Integer size, Snapshot s) {
        Map<String, List<SwarmNode>> nodesById = new LinkedHashMap<>();
        for (SwarmNode n : s.nodes()) {
            if (pool.equals(label(n, POOL_LABEL))) {
                nodesById.computeIfAbsent(String.valueOf(label(n, IDENTITY_LABEL)), k -> new ArrayList<>()).add(n);
            }
        }
        Map<String, Member> members = new LinkedHashMap<>();
        for (Vm vm : s.vms().stream().filter(v -> v.pool().equals(pool)).toList()) {
            List<SwarmNode> nodes = nodesById.getOrDefault(vm.id(), List.of());
            nodesById.remove(vm.id());
            members.put(vm.name(), member(vm.name(), Optional.of(vm), nodes, s));
        }
        // Nodes whose VM the provider does not know: made by hand, or left behind.
        for (List<SwarmNode> orphans : nodesById.values()) {
            String name = hostname(orphans.get(0));
            members.putIfAbsent(name, member(name, Optional.empty(), orphans, s));
        }
        return new PoolView(pool, size, members.values().stream().sorted(Comparator.comparing(Member::name)).toList());
    }

    private static Member member(String name, Optional<Vm> vm, List<SwarmNode> nodes, Snapshot s) {
        List<String> problems = new ArrayList<>();
        // Every rejoin is a new node: the old ones stay Down until removed. The live one is the one that counts.
        List<SwarmNode> byLife = nodes.stream().sorted(Comparator.comparing((SwarmNode n) -> !isUp(n))).toList();
        SwarmNode node = byLife.isEmpty() ? null : byLife.get(0);
        byLife.stream().skip(1).forEach(stale -> problems.add("stale node " + stale.getId() + " (" + state(stale) + ")"));
        String address = vm.flatMap(Vm::address).orElse(null);
        String record = s.records().get(name);

        if (vm.isEmpty()) {
            problems.add("a node without a VM");
        } else if (vm.get().state() == Vm.State.CREATING) {
            problems.add("its creation did not finish: rerun pool create");
        } else if (vm.get().state() == Vm.State.OFF) {
            problems.add("powered off");
        } else if (node == null) {
            problems.add("no Swarm node");
        }
        if (node != null && !isUp(node) && vm.map(v -> v.state() == Vm.State.ON).orElse(true)) {
            problems.add("its node is " + state(node));
        }
        if (record == null && node != null && isUp(node)) {
            problems.add("no A record");
        } else if (record != null && address != null && !record.equals(address)) {
            problems.add("its A record points at " + record + ", its VM is at " + address);
        }
        return new Member(name, vm.map(Vm::id).orElse(node == null ? null : label(node, IDENTITY_LABEL)),
                vm.map(v -> v.state().name().toLowerCase(Locale.ROOT)).orElse(null), address,
                node == null ? null : node.getId(), node == null ? null : state(node),
                node == null || node.getSpec() == null || node.getSpec().getAvailability() == null ? null
                        : node.getSpec().getAvailability().name().toLowerCase(Locale.ROOT),
                node == null ? 0 : s.runningTasks().getOrDefault(node.getId(), 0), record, List.copyOf(problems));
    }

    public static String label(SwarmNode node, String key) {
        return node.getSpec() == null || node.getSpec().getLabels() == null ? null : node.getSpec().getLabels().get(key);
    }

    private static String hostname(SwarmNode node) {
        return node.getDescription() == null || node.getDescription().getHostname() == null ? node.getId()
                : node.getDescription().getHostname();
    }

    private static boolean isUp(SwarmNode node) {
        return "ready".equals(state(node));
    }

    private static String state(SwarmNode node) {
        return node.getStatus() == null || node.getStatus().getState() == null ? "unknown"
                : node.getStatus().getState().name().toLowerCase(Locale.ROOT);
    }

    /** A provider task's result within {@code bound}; its own failure (a ProviderException) as it is. */
    public static <T> T await(java.util.concurrent.CompletableFuture<T> task, Duration bound) throws Exception {
        try {
            return task.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new TimeoutException("the provider did not answer within " + bound.toSeconds() + " s");
        }
    }
}
