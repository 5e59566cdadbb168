package io.berth.controller.flip;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a flip from one pool to another would move, read from one snapshot of the Swarm: every replicated
 * service with a task meant to run on a {@code from} node, or still carrying berth's label from a move that did
 * not finish; where its replacements may land; and every reason one of them could not be placed. A pure
 * function of the snapshot: nothing here calls anything.
 */
record Plan(String from, String to, List<Move> moves, List<String> refusals) {

    /**
     * One service to move: its tasks per {@code from} node (by host name), the {@code to} nodes that meet its
     * constraints, and the other nodes outside both pools that are Active and meet them too (replacements may
     * land there as well). {@code resumed}: a move started earlier, its original settings in the label.
     */
    record Move(String serviceId, String service, int replicas, boolean resumed, Map<String, Integer> tasksOnFrom,
                List<String> toNodes, List<String> otherNodes) {
    }

    static Plan build(Swarm.Snapshot s, String from, String to) {
        Set<String> fromIds = ids(s.pool(from));
        List<Node> toNodes = s.pool(to);
        List<Node> others = s.nodes().stream()
                .filter(n -> !from.equals(n.pool()) && !to.equals(n.pool()) && n.schedulable()).toList();
        List<Move> moves = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        Map<String, Room> free = free(s);
        Room needed = Room.NONE;
        Set<Node> candidates = new java.util.LinkedHashSet<>();
        for (Service service : s.services()) {
            if (!service.replicated()) {
                continue; // global services stay: their tasks on --from stop when it is drained, last
            }
            Map<String, Integer> onFrom = new TreeMap<>();
            for (Task t : s.tasksOf(service.id())) {
                if (t.wanted() && fromIds.contains(t.nodeId())) {
                    onFrom.merge(s.node(t.nodeId()).hostname(), 1, Integer::sum);
                }
            }
            if (onFrom.isEmpty() && !service.moving()) {
                continue; // never ran on --from: not touched
            }
            List<Constraint> constraints;
            try {
                constraints = service.constraints().stream().map(Constraint::parse).toList();
            } catch (IllegalArgumentException e) {
                refusals.add("service " + service.name() + ": " + e.getMessage());
                continue;
            }
            List<Node> fit = toNodes.stream().filter(n -> Constraint.all(constraints, n)).toList();
            List<Node> otherFit = others.stream().filter(n -> Constraint.all(constraints, n)).toList();
            refusals.addAll(placement(service, constraints, toNodes, fit, to));
            int moving = onFrom.values().stream().mapToInt(Integer::intValue).sum();
            if (!service.reservation().none() && !fit.isEmpty()) {
                List<Node> room = new ArrayList<>(fit);
                room.addAll(otherFit);
                refusals.addAll(capacity(service, s, fromIds, room, free, moving, to));
                needed = needed.plus(service.reservation().times(moving));
                candidates.addAll(room);
            }
            moves.add(new Move(service.id(), service.name(), service.replicas(), service.moving(), onFrom,
                    names(fit), names(otherFit)));
        }
        Room all = candidates.stream().map(n -> free.get(n.id())).reduce(Room.NONE, Room::plus);
        if (refusals.isEmpty() && !needed.none() && !all.covers(needed)) {
            refusals.add("the services to move reserve " + needed.text() + " in all, but the nodes they may land on "
                    + "have " + all.text() + " unreserved");
        }
        return new Plan(from, to, List.copyOf(moves), List.copyOf(refusals));
    }

    /** Each node's room not reserved by a task meant to run there (as the scheduler counts it). */
    private static Map<String, Room> free(Swarm.Snapshot s) {
        Map<String, Room> free = new java.util.HashMap<>();
        s.nodes().forEach(n -> free.put(n.id(), n.resources()));
        for (Task t : s.tasks()) {
            if (t.wanted() && t.nodeId() != null && free.containsKey(t.nodeId())) {
                free.merge(t.nodeId(), t.reserved(), Room::minus);
            }
        }
        return free;
    }

    /**
     * Whether the nodes a service may land on hold its moving tasks' reservations, plus the start-first overlap:
     * a task of it already off the old pool is replaced too, and its replacement reserves room before the old
     * one goes (up to its parallelism at once). The updater would wait forever for room that never comes.
     */
    private static List<String> capacity(Service service, Swarm.Snapshot s, Set<String> fromIds, List<Node> room,
                                         Map<String, Room> free, int moving, String to) {
        long elsewhere = s.tasksOf(service.id()).stream()
                .filter(t -> t.wanted() && !fromIds.contains(t.nodeId())).count();
        long need = moving + Math.min(service.parallelism(), elsewhere);
        // Finite: the service reserves something (the caller checks), so each node holds a countable number.
        long holds = room.stream().mapToLong(n -> free.get(n.id()).holds(service.reservation())).sum();
        if (holds >= need) {
            return List.of();
        }
        return List.of("service " + service.name() + ": reserves " + service.reservation().text() + " a task; "
                + need + " must fit (" + moving + " to move" + (need > moving ? ", " + (need - moving)
                + " start-first overlap" : "") + ") but the unreserved room of " + room.size()
                + " node(s) it may land on (" + to + "'s and others) holds " + holds);
    }

    /** Why the service could not be placed on {@code to}'s nodes, each reason a line naming the service. */
    private static List<String> placement(Service service, List<Constraint> constraints, List<Node> toNodes,
                                          List<Node> fit, String to) {
        List<String> why = new ArrayList<>();
        String name = "service " + service.name() + ": ";
        if (fit.isEmpty()) {
            List<String> unmet = constraints.stream()
                    .filter(c -> toNodes.stream().noneMatch(c::matches)).map(Constraint::text).toList();
            why.add(name + "no " + to + " node meets its constraint" + (unmet.size() == 1 ? " " : "s ")
                    + (unmet.isEmpty() ? constraints.stream().map(Constraint::text).collect(Collectors.joining(", "))
                    + " (together)" : String.join(", ", unmet)));
        }
        long max = service.maxReplicasPerNode();
        if (max > 0 && !fit.isEmpty() && max * fit.size() < service.replicas()) {
            why.add(name + "max_replicas_per_node " + max + " x " + fit.size() + " " + to + " node(s) < "
                    + service.replicas() + " replicas");
        }
        for (int port : service.hostModePorts()) {
            why.add(name + "publishes port " + port + " in host mode: a start-first move cannot bind it twice");
        }
        return why;
    }

    /** The managers as the Swarm lists them: each one not Reachable and Ready is a reason not to begin. */
    static List<String> managerProblems(List<Node> nodes) {
        List<String> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n.manager() && (!"reachable".equals(n.reachability()) || !n.ready())) {
                out.add("manager " + n.hostname() + " (" + n.id() + ") is " + n.reachability() + ", " + n.state());
            }
        }
        return out;
    }

    private static Set<String> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).collect(Collectors.toSet());
    }

    private static List<String> names(List<Node> nodes) {
        return nodes.stream().map(Node::hostname).sorted().toList();
    }

    /** The plan as an operator reads it. */
    String text() {
        StringBuilder out = new StringBuilder();
        if (moves.isEmpty()) {
            out.append("no replicated service runs on ").append(from).append(": nothing to move\n");
        }
        for (Move m : moves) {
            out.append("move ").append(m.service()).append(" (").append(m.replicas()).append(" replicas")
                    .append(m.resumed() ? ", resuming an unfinished move" : "").append("): ")
                    .append(m.tasksOnFrom().isEmpty() ? "no task on " + from : m.tasksOnFrom().entrySet().stream()
                            .map(e -> e.getValue() + " on " + e.getKey()).collect(Collectors.joining(", ")))
                    .append(" -> may land on ").append(m.toNodes().isEmpty() ? "no " + to + " node"
                            : String.join(", ", m.toNodes()));
            if (!m.otherNodes().isEmpty()) {
                out.append(", and outside both pools on ").append(String.join(", ", m.otherNodes()));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
