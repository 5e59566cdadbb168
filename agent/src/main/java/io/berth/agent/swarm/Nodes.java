package io.berth.agent.swarm;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeSpec;
import io.berth.agent.lifecycle.Journal;
import java.util.function.UnaryOperator;

/** Node look-ups and updates through the managers, shared by the steps. */
final class Nodes {

    private static final int UPDATE_ATTEMPTS = 5;

    private Nodes() {
    }

    /** The node id boot or shutdown journaled (from the engine, when it joined or before it left). */
    static String current(Journal journal) throws SwarmException {
        return journal.get("nodeId").orElseThrow(
                () -> new SwarmException("this host is not in the Swarm (no node id)", false));
    }

    static SwarmNode require(Managers managers, String nodeId) throws Exception {
        return managers.node(nodeId).orElseThrow(
                () -> new SwarmException("the managers do not list node " + nodeId, false));
    }

    /**
     * Updates a node's spec. An update needs the node's current version; a concurrent update makes ours
     * stale ("update out of sequence"), so it is re-read and tried again a few times.
     */
    static void update(Managers managers, String nodeId, UnaryOperator<SwarmNodeSpec> change) throws Exception {
        for (int attempt = 1; ; attempt++) {
            SwarmNode node = require(managers, nodeId);
            SwarmNodeSpec spec = change.apply(node.getSpec());
            try {
                managers.call(m -> m.updateSwarmNodeCmd()
                        .withSwarmNodeId(nodeId)
                        .withVersion(node.getVersion().getIndex())
                        .withSwarmNodeSpec(spec)
                        .exec());
                return;
            } catch (DockerException | SwarmException e) {
                // A stale version is a 500, so the managers pass it on and it may come back inside a SwarmException.
                boolean stale = Swarm.describe(e).contains("out of sequence");
                if (attempt >= UPDATE_ATTEMPTS || !stale) {
                    throw new SwarmException("cannot update node " + nodeId + ": " + Swarm.describe(e),
                            !stale && e instanceof SwarmException s && s.transientFailure());
                }
            }
        }
    }
}
