package io.berth.controller.pool;

import io.berth.agent.log.Log;
import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs each VM's steps in order, VMs side by side (a bounded number at a time): a VM's failed step ends that
 * VM's run and no other. Each step checks whether its work is done before doing it, so a rerun continues where
 * the last one stopped.
 */
final class VmRunner {

    static final int PARALLEL = 8;

    /** How one VM's run ended: the last step reached, and why it failed (null when it did not). */
    record Outcome(String vm, String lastStep, String lastMessage, String error, List<String> changes) {
        boolean ok() {
            return error == null;
        }
    }

    private VmRunner() {
    }

    static List<Outcome> run(Map<String, List<Step>> plans, boolean dryRun, Progress progress)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLEL, plans.size())));
        try {
            Map<String, Future<Outcome>> running = new LinkedHashMap<>();
            plans.forEach((vm, steps) -> running.put(vm, pool.submit(() -> one(vm, steps, dryRun, progress))));
            List<Outcome> outcomes = new ArrayList<>();
            for (Map.Entry<String, Future<Outcome>> e : running.entrySet()) {
                try {
                    outcomes.add(e.getValue().get());
                } catch (java.util.concurrent.ExecutionException unexpected) {
                    outcomes.add(new Outcome(e.getKey(), null, null, Log.oneLine(unexpected.getCause()), List.of()));
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Outcome one(String vm, List<Step> steps, boolean dryRun, Progress progress) {
        long start = System.nanoTime();
        List<String> changes = new ArrayList<>();
        String last = null;
        String message = null;
        String pending = null;
        for (Step step : steps) {
            if (pending != null) {
                // A dry run cannot check a step against what an earlier step only would have done.
                progress.step(vm, step.name(), "would follow " + pending, start);
                continue;
            }
            try {
                StepResult result = step.run(dryRun);
                if (dryRun && result.changed()) {
                    pending = step.name();
                }
                last = step.name();
                message = result.message();
                if (result.changed()) {
                    changes.add(step.name() + ": " + result.message());
                }
                progress.step(vm, step.name(), result.message(), start);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(vm, last, message, step.name() + ": interrupted", changes);
            } catch (Exception e) {
                String why = Log.oneLine(e);
                progress.failed(vm, step.name(), why, start);
                return new Outcome(vm, last, message, step.name() + ": " + why, changes);
            }
        }
        return new Outcome(vm, last, message, null, changes);
    }
}
