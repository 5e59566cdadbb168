package io.berth.agent.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything the agent must remember across a crash or a reboot, as one value: which life (kernel boot id) it
 * describes, this host's node, who holds the node drained, the action last begun in this life with the steps it
 * has done, and the replicated tasks this life's shutdown must see run elsewhere. Only {@link StateStore} reads and
 * writes it. A new life keeps what outlives a reboot (the node, the hold) and starts the rest afresh.
 *
 * @param version on-disk format, {@value #VERSION}
 * @param life    the kernel boot id of the life this record describes
 * @param nodeId  this host's Swarm node, or null
 * @param hold    who holds the node drained, or null
 * @param action  the action last begun in this life, or null
 * @param moving  the tasks this life's drain found here, for the wait
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostState(int version, String life, String nodeId, Hold hold, Action action, List<MovingTask> moving) {

    public static final int VERSION = 2;

    public HostState {
        moving = moving == null ? List.of() : List.copyOf(moving);
    }

    /** {@code boot} or {@code shutdown}: the steps done so far, and whether it ran to its end. */
    public record Action(String name, List<String> stepsDone, boolean complete) {
        public Action {
            stepsDone = stepsDone == null ? List.of() : List.copyOf(stepsDone);
        }
    }

    public static HostState fresh(String life) {
        return new HostState(VERSION, life, null, null, null, List.of());
    }

    /** The same host in a new life: its node and hold stay (a reboot on the same disk keeps the node). */
    public HostState inLife(String newLife) {
        return new HostState(VERSION, newLife, nodeId, hold, null, List.of());
    }

    public Optional<String> node() {
        return Optional.ofNullable(nodeId);
    }

    public Optional<Hold> heldBy() {
        return Optional.ofNullable(hold);
    }

    public HostState withNode(String id) {
        return new HostState(version, life, id, hold, action, moving);
    }

    public HostState held(Hold.Holder by) {
        return new HostState(version, life, nodeId, Hold.by(by, life), action, moving);
    }

    public HostState released() {
        return new HostState(version, life, nodeId, null, action, moving);
    }

    public HostState withMoving(List<MovingTask> tasks) {
        return new HostState(version, life, nodeId, hold, action, tasks);
    }

    /**
     * Starts {@code name}. Rerunning the action last begun keeps what its interrupted run recorded (the tasks its
     * drain found); another action starts afresh.
     */
    public HostState begin(String name) {
        if (action != null && action.name().equals(name)) {
            return new HostState(version, life, nodeId, hold, new Action(name, action.stepsDone(), false), moving);
        }
        return new HostState(version, life, nodeId, hold, new Action(name, List.of(), false), List.of());
    }

    public HostState stepDone(String step) {
        Action now = action == null ? new Action("", List.of(), false) : action;
        if (now.stepsDone().contains(step)) {
            return this;
        }
        List<String> steps = new ArrayList<>(now.stepsDone());
        steps.add(step);
        return new HostState(version, life, nodeId, hold, new Action(now.name(), steps, now.complete()), moving);
    }

    public HostState completed() {
        return action == null ? this
                : new HostState(version, life, nodeId, hold, new Action(action.name(), action.stepsDone(), true), moving);
    }

    /** Whether {@code name} ran to its end in this life, with nothing begun since. */
    public boolean isComplete(String name) {
        return action != null && action.name().equals(name) && action.complete();
    }

    public List<String> stepsDone() {
        return action == null ? List.of() : action.stepsDone();
    }
}
