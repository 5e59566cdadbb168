package io.berth.agent.swarm;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A change to a node's labels: set these, drop those, and either keep the others (merge) or not (replace). Berth's
 * own identity label always stays: gc, pools and the records tie a node to its VM by it.
 */
public record LabelChange(Map<String, String> set, boolean replace, List<String> remove) {

    public LabelChange {
        set = Map.copyOf(set);
        remove = List.copyOf(remove);
    }

    /** The labels a node should carry after this change, given the ones it carries. */
    public Map<String, String> applyTo(Map<String, String> current) {
        Map<String, String> after = new TreeMap<>(replace ? Map.of() : current);
        after.putAll(set);
        remove.forEach(after::remove);
        if (current.containsKey(Swarm.IDENTITY_LABEL) && !set.containsKey(Swarm.IDENTITY_LABEL)) {
            after.put(Swarm.IDENTITY_LABEL, current.get(Swarm.IDENTITY_LABEL));
        }
        return after;
    }
}
