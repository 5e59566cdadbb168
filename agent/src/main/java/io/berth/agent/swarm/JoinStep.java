package io.berth.agent.swarm;

import com.github.dockerjava.api.model.LocalNodeState;
import io.berth.agent.state.Hold;
import io.berth.agent.state.StateStore;
import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import io.berth.config.AgentConfig.HostPort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Joins this host's engine to the Swarm as a worker, held out of scheduling when asked, unless it is in already.
 * An engine that still believes it is in, but whose node a manager removed (a worker's engine is not told),
 * and an engine stuck half-joined, leave first and join afresh.
 */
public final class JoinStep implements Step {

    private static final int PROBE_TIMEOUT_MILLIS = 1000;

    private final LocalEngine engine;
    private final SwarmManagers managers;
    private final JoinRequest request;
    private final boolean hold;
    private final StateStore state;

    public JoinStep(LocalEngine engine, SwarmManagers managers, JoinRequest request, StateStore state) {
        this.engine = engine;
        this.managers = managers;
        this.request = request;
        this.hold = request.held();
        this.state = state;
    }

    @Override
    public String name() {
        return "join";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        Optional<String> current = engine.nodeId();
        String leaving = "";
        if (current.isPresent()) {
            if (!removedByAManager(current.get())) {
                if (!dryRun) {
                    state.update(st -> st.withNode(current.get()));
                }
                return StepResult.unchanged("already in the Swarm as node " + current.get(),
                        Map.of("node", current.get()));
            }
            leaving = "node " + current.get() + " was removed by a manager: ";
        } else {
            LocalNodeState state = engine.swarm().getLocalNodeState();
            if (state == LocalNodeState.LOCKED) {
                throw new SwarmException("the local engine's Swarm is locked (autolock): unlock it first", false);
            }
            if (state == LocalNodeState.PENDING || state == LocalNodeState.ERROR) {
                leaving = "the engine was stuck in Swarm state " + state + ": ";
            }
        }
        Map<String, Object> before = Map.of("node", current.orElse("none"));
        if (dryRun) {
            return StepResult.changed(leaving + "would join through " + request.joinAddrs().get(0)
                    + (hold ? " held (drain)" : ""), before, Map.of("node", "new", "availability", hold ? "drain" : "active"));
        }
        if (!leaving.isEmpty()) {
            engine.leave(true);
        }
        HostPort through = firstAnswering();
        // The hold is written before the join it stands for: a kill between the two must not leave a drained node
        // that the next pass takes for an operator's.
        state.update(st -> hold ? st.held(Hold.Holder.JOIN) : st.released());
        // One attempt: a join that fails half way leaves the engine retrying in the background (state pending).
        engine.join(through, request);
        String nodeId = engine.nodeId().orElseThrow(
                () -> new SwarmException("joined through " + through + " but the engine reports no node id", false));
        state.update(st -> st.withNode(nodeId));
        return StepResult.changed(leaving + "joined through " + through + " as node " + nodeId + (hold ? ", held (drain)" : ""),
                before, Map.of("node", nodeId, "availability", hold ? "drain" : "active"));
    }

    /** Whether the managers answer that they do not know this node: a manager removed it. Unreachable: no. */
    private boolean removedByAManager(String nodeId) {
        try {
            return managers.node(nodeId).isEmpty();
        } catch (Exception unreachable) {
            return false; // Cannot tell; a later pass will.
        }
    }

    /**
     * The first join address that accepts a TCP connection. Asking the engine to join a dead address makes it
     * block and then keep trying in the background, which would also block a join through a live one.
     */
    private HostPort firstAnswering() throws SwarmException {
        List<String> dead = new ArrayList<>();
        for (HostPort addr : request.joinAddrs()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(addr.host(), addr.port()), PROBE_TIMEOUT_MILLIS);
                return addr;
            } catch (IOException e) {
                dead.add(addr + " (" + Swarm.describe(e) + ")");
            }
        }
        throw new SwarmException("no join address answered: " + String.join(", ", dead), true);
    }
}
