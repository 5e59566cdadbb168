package io.berth.agent.swarm;

import io.berth.agent.state.MovingTask;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskState;
import io.berth.agent.state.StateStore;
import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import io.berth.agent.retry.Retry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Waits until every replicated task that ran on this node when it was drained runs on another node, or is no
 * longer wanted (its service removed or scaled below its slot). Throws naming the tasks that did not move.
 */
public final class WaitTasksStep implements Step {

    private final SwarmManagers managers;
    private final StateStore state;
    private final Instant until;

    public WaitTasksStep(SwarmManagers managers, StateStore state, Instant until) {
        this.managers = managers;
        this.state = state;
        this.until = until;
    }

    @Override
    public String name() {
        return "wait";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        List<MovingTask> tasks = state.get().moving();
        String nodeId = state.get().node().orElse("");
        List<MovingTask> waiting = new ArrayList<>(tasks);
        if (!dryRun) {
            new Retry(Duration.ofMillis(200), Duration.ofSeconds(1)).await(until, () -> {
                dropMoved(waiting, nodeId);
                return waiting.isEmpty();
            });
        } else {
            dropMoved(waiting, nodeId);
        }
        if (waiting.isEmpty()) {
            return StepResult.unchanged(tasks.isEmpty() ? "no task to move" : tasks.size() + " task(s) run elsewhere",
                    Map.of("waiting", List.of()));
        }
        if (dryRun) {
            return StepResult.changed("would wait for " + waiting.size() + " task(s) to move",
                    Map.of("waiting", names(waiting)), Map.of("waiting", List.of()));
        }
        throw new SwarmException("tasks did not move off node " + nodeId + " in time: "
                + String.join(", ", names(waiting)), true);
    }

    /** Drops the tasks that moved or are no longer wanted: one look at each service per round, however many tasks. */
    private void dropMoved(List<MovingTask> waiting, String nodeId) throws Exception {
        Map<String, Optional<List<Task>>> running = new HashMap<>();
        Map<String, Integer> replicas = new HashMap<>();
        for (var it = waiting.iterator(); it.hasNext(); ) {
            MovingTask task = it.next();
            if (!running.containsKey(task.service())) {
                look(task.service(), nodeId, running, replicas);
            }
            Optional<List<Task>> elsewhere = running.get(task.service());
            boolean gone = elsewhere.isEmpty() || replicas.getOrDefault(task.service(), Integer.MAX_VALUE) < task.slot();
            if (gone || elsewhere.get().stream().anyMatch(t -> t.getSlot() != null && t.getSlot() == task.slot())) {
                it.remove();
            }
        }
    }

    /** A service's tasks running on other nodes (empty: the service was removed) and its replica count. */
    private void look(String service, String nodeId, Map<String, Optional<List<Task>>> running,
                      Map<String, Integer> replicas) throws Exception {
        Optional<Service> spec = managers.service(service);
        if (spec.isEmpty()) {
            running.put(service, Optional.empty());
            return;
        }
        var mode = spec.get().getSpec().getMode();
        var replicated = mode == null ? null : mode.getReplicated();
        if (replicated != null) {
            replicas.put(service, (int) replicated.getReplicas());
        }
        List<Task> tasks = managers.tasksOfService(service);
        running.put(service, Optional.of(tasks.stream()
                .filter(t -> !nodeId.equals(t.getNodeId()))
                .filter(t -> t.getDesiredState() == TaskState.RUNNING)
                .filter(t -> t.getStatus() != null && t.getStatus().getState() == TaskState.RUNNING)
                .toList()));
    }

    private static List<String> names(List<MovingTask> tasks) {
        return tasks.stream().map(MovingTask::toString).toList();
    }
}
