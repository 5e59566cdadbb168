package io.berth.agent.swarm;

import com.github.dockerjava.api.model.SwarmNode;
import io.berth.agent.state.StateStore;
import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import java.util.Map;
import java.util.TreeMap;

/** Puts the configured labels and the host's identity label on its node, through a manager, unless they are there. */
public final class LabelStep implements Step {

    private final SwarmManagers managers;
    private final StateStore state;
    private final Map<String, String> wanted;

    /** {@code labels} are the configured ones; the identity label is added here. */
    public LabelStep(SwarmManagers managers, StateStore state, Map<String, String> labels, String identity) {
        this.managers = managers;
        this.state = state;
        TreeMap<String, String> all = new TreeMap<>(labels);
        all.put(Swarm.IDENTITY_LABEL, identity);
        this.wanted = Map.copyOf(all);
    }

    @Override
    public String name() {
        return "labels";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        String nodeId = Swarm.currentNode(state);
        SwarmNode node = Swarm.require(managers, nodeId);
        Map<String, String> current = node.getSpec().getLabels() == null ? Map.of() : node.getSpec().getLabels();
        Map<String, String> merged = new TreeMap<>(current);
        merged.putAll(wanted);
        if (merged.equals(new TreeMap<>(current))) {
            return StepResult.unchanged("labels already set on node " + nodeId, new TreeMap<>(current));
        }
        if (!dryRun) {
            managers.updateNode(nodeId, spec -> spec.withLabels(merged));
        }
        return StepResult.changed((dryRun ? "would set" : "set") + " labels on node " + nodeId,
                new TreeMap<>(current), merged);
    }
}
