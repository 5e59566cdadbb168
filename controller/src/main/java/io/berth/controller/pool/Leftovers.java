package io.berth.controller.pool;

import com.github.dockerjava.api.model.SwarmNode;
import io.berth.agent.dns.DeregisterStep;
import io.berth.agent.dns.Mark;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a VM that is gone may leave behind, removed: its Swarm nodes (every node with its identity, forced: a
 * destroyed VM never leaves) and its A and PTR records, only where they carry its mark.
 */
final class Leftovers {

    private Leftovers() {
    }

    /** Removes what is left of member {@code name} (identity {@code id}); returns what it removed. */
    static List<String> remove(Fleet fleet, String name, String id, Optional<String> address) throws Exception {
        List<String> removed = new ArrayList<>();
        if (id != null) {
            List<SwarmNode> nodes = fleet.managers().call(m -> m.client().listSwarmNodesCmd().exec()).stream()
                    .filter(n -> id.equals(PoolView.label(n, PoolView.IDENTITY_LABEL))).toList();
            for (SwarmNode node : nodes) {
                fleet.managers().removeNode(node.getId(), true);
                removed.add("node " + node.getId());
            }
            var dns = fleet.config().dns();
            var result = new DeregisterStep(fleet.dns(), dns.zone(), dns.reverseZone(), fleet.fqdn(name),
                    new Mark("berth", id), address).run(false);
            if (result.changed()) {
                removed.add(result.message());
            }
        }
        return removed;
    }
}
