package io.berth.agent.run;

import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import com.github.dockerjava.api.model.SwarmNodeState;
import io.berth.agent.lifecycle.Session;
import io.berth.agent.state.Hold;
import io.berth.agent.state.StateStore;
import java.util.Optional;

/**
 * Whether this host is ready: a look at its record (does it resolve at the nameserver?) and its node (Ready and
 * Active?) as they are now, put on the status board. A drain the state holds no hold of ours for is an operator's,
 * and is remembered as such across restarts.
 */
final class Readiness {

    private final StatusBoard board;
    private final ShutdownWatch shutdown;

    Readiness(StatusBoard board, ShutdownWatch shutdown) {
        this.board = board;
        this.shutdown = shutdown;
    }

    /** Looks at the node and the record, for status and readiness; also learns an operator's drain. */
    void observe(Session session) {
        StateStore state = session.state();
        Optional<String> recordProblem = session.recordNotResolving();
        Optional<SwarmNode> node = Optional.empty();
        String nodeProblem = null;
        Optional<String> nodeId = state.get().node();
        try {
            node = nodeId.isPresent() ? session.managers().node(nodeId.get()) : Optional.empty();
            if (node.isEmpty()) {
                nodeProblem = "not in the Swarm";
            }
        } catch (Exception e) {
            nodeProblem = "managers did not answer: " + e.getMessage();
        }
        String drainedBy = "";
        if (node.isPresent() && node.get().getSpec().getAvailability() != SwarmNodeAvailability.ACTIVE) {
            // A drain we did not make (no hold of ours) is an operator's: remember it across restarts.
            drainedBy = state.get().heldBy().map(h -> h.by().spelling()).orElse("operator");
            if (state.get().heldBy().isEmpty() && !shutdown.requested()) {
                state.update(st -> st.held(Hold.Holder.OPERATOR));
            }
        }
        String reason = recordProblem.orElse(null);
        if (reason == null && nodeProblem != null) {
            reason = nodeProblem;
        } else if (reason == null && node.get().getStatus().getState() != SwarmNodeState.READY) {
            reason = "node " + node.get().getId() + " is " + StatusBoard.lower(node.get().getStatus().getState());
        } else if (reason == null && !drainedBy.isEmpty()) {
            reason = "node " + node.get().getId() + " is drained by " + drainedBy;
        }
        board.observed(node, drainedBy, recordProblem.isEmpty(), reason);
    }
}
