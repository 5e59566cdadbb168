package io.berth.agent.swarm;

import com.github.dockerjava.api.model.SwarmNode;
import io.berth.agent.state.StateStore;
import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** Changes a node's labels through a manager, unless they are as wanted already. */
public final class LabelStep implements Step {

    private final SwarmManagers managers;
    private final Callable<String> nodeId;
    private final LabelChange change;

    /** A node's labels ({@code nodeId} answers which node when the step runs). */
    public LabelStep(SwarmManagers managers, Callable<String> nodeId, LabelChange change) {
        this.managers = managers;
        this.nodeId = nodeId;
        this.change = change;
    }

    /** This host's node gets the configured {@code labels} and the host's identity label; others stay. */
    public LabelStep(SwarmManagers managers, StateStore state, Map<String, String> labels, String identity) {
        this(managers, () -> Swarm.currentNode(state), new LabelChange(withIdentity(labels, identity), false, List.of()));
    }

    private static Map<String, String> withIdentity(Map<String, String> labels, String identity) {
        Map<String, String> all = new TreeMap<>(labels);
        all.put(Swarm.IDENTITY_LABEL, identity);
        return all;
    }

    @Override
    public String name() {
        return "labels";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        String id = nodeId.call();
        SwarmNode node = Swarm.require(managers, id);
        Map<String, String> current = new TreeMap<>(node.getSpec().getLabels() == null ? Map.of() : node.getSpec().getLabels());
        Map<String, String> wanted = change.applyTo(current);
        if (wanted.equals(current)) {
            return StepResult.unchanged("labels already set on node " + id, current);
        }
        if (!dryRun) {
            managers.updateNode(id, spec -> spec.withLabels(wanted));
        }
        return StepResult.changed((dryRun ? "would set" : "set") + " labels on node " + id, current, wanted);
    }
}
