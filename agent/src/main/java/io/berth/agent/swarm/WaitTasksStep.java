package io.berth.agent.swarm;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskState;
import io.berth.agent.lifecycle.Journal;
import io.berth.agent.lifecycle.Step;
import io.berth.agent.lifecycle.StepResult;
import io.berth.agent.retry.Retry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Waits until every replicated task that ran on this node when it was drained runs on another node, or is no
 * longer wanted (its service removed or scaled below its slot). Throws naming the tasks that did not move.
 */
public final class WaitTasksStep implements Step {

    private final Managers managers;
    private final Journal journal;
    private final Instant until;

    public WaitTasksStep(Managers managers, Journal journal, Instant until) {
        this.managers = managers;
        this.journal = journal;
        this.until = until;
    }

    @Override
    public String name() {
        return "wait";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        List<MovingTask> tasks = journal.getList("tasks", MovingTask.class);
        String nodeId = journal.get("nodeId").orElse("");
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

    private void dropMoved(List<MovingTask> waiting, String nodeId) throws Exception {
        for (var it = waiting.iterator(); it.hasNext(); ) {
            if (movedOrGone(it.next(), nodeId)) {
                it.remove();
            }
        }
    }

    private boolean movedOrGone(MovingTask task, String nodeId) throws Exception {
        Service service;
        try {
            service = managers.call(m -> m.inspectServiceCmd(task.service()).exec());
        } catch (NotFoundException removed) {
            return true;
        }
        var replicated = service.getSpec().getMode() == null ? null : service.getSpec().getMode().getReplicated();
        if (replicated != null && replicated.getReplicas() < task.slot()) {
            return true;
        }
        List<Task> tasks = managers.call(m -> m.listTasksCmd().withServiceFilter(task.service()).exec());
        return tasks.stream().anyMatch(t -> t.getSlot() != null && t.getSlot() == task.slot()
                && !nodeId.equals(t.getNodeId())
                && t.getDesiredState() == TaskState.RUNNING
                && t.getStatus() != null && t.getStatus().getState() == TaskState.RUNNING);
    }

    private static List<String> names(List<MovingTask> tasks) {
        return tasks.stream().map(MovingTask::toString).toList();
    }
}
