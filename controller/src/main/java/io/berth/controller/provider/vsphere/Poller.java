package io.berth.controller.provider.vsphere;

import io.berth.controller.provider.vsphere.Vim.MoRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * One reader for everything that waits on vCenter: each round reads, in one RetrievePropertiesEx per object type,
 * the properties of every task and VM some caller waits on, and completes the waits whose condition holds. Twenty
 * VMs waiting for their IP cost one call a round, not twenty. A new wait starts a round at once (vCenter's quick
 * tasks are seen without a sleep); then rounds follow every {@link #ROUND} while anything waits.
 */
final class Poller implements AutoCloseable {

    static final Duration ROUND = Duration.ofMillis(250);

    /** A reader of {@code paths} of {@code objects} of one type (Vcenter.properties). */
    interface Reader {
        List<Vcenter.Props> read(List<MoRef> objects, String type, List<String> paths) throws Exception;
    }

    private record Wait(MoRef obj, List<String> paths, Predicate<Vcenter.Props> done, long deadline,
                        CompletableFuture<Vcenter.Props> result) {
    }

    private final Reader reader;
    private final List<Wait> waits = new ArrayList<>();
    private final Thread thread;
    private boolean closed;
    private boolean wake;

    Poller(Reader reader) {
        this.reader = reader;
        this.thread = new Thread(this::loop, "vsphere-poller");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Completes with {@code obj}'s {@code paths} once {@code done} holds for them, or with a TimeoutException after
     * {@code within}; a failed read fails every wait of that round (the caller's own bound decides what follows).
     */
    CompletableFuture<Vcenter.Props> until(MoRef obj, List<String> paths, Predicate<Vcenter.Props> done,
                                           Duration within) {
        CompletableFuture<Vcenter.Props> result = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                result.completeExceptionally(new IllegalStateException("the vSphere provider is closed"));
                return result;
            }
            waits.add(new Wait(obj, paths, done, System.nanoTime() + within.toNanos(), result));
            wake = true;
            notifyAll();
        }
        return result;
    }

    private void loop() {
        while (true) {
            List<Wait> round;
            synchronized (this) {
                try {
                    while (!closed && (waits.isEmpty() || !wake)) {
                        if (waits.isEmpty()) {
                            wait();
                        } else {
                            wait(ROUND.toMillis());
                            wake = true;
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (closed) {
                    return;
                }
                wake = false;
                round = List.copyOf(waits);
            }
            poll(round);
        }
    }

    /** One round: a read per object type, then each wait done, timed out or left for the next round. */
    private void poll(List<Wait> round) {
        Map<String, Set<MoRef>> objects = new LinkedHashMap<>();
        Map<String, Set<String>> paths = new LinkedHashMap<>();
        for (Wait w : round) {
            objects.computeIfAbsent(w.obj().type(), t -> new LinkedHashSet<>()).add(w.obj());
            paths.computeIfAbsent(w.obj().type(), t -> new LinkedHashSet<>()).addAll(w.paths());
        }
        Map<MoRef, Vcenter.Props> read = new LinkedHashMap<>();
        Exception failure = null;
        for (Map.Entry<String, Set<MoRef>> type : objects.entrySet()) {
            try {
                reader.read(List.copyOf(type.getValue()), type.getKey(), List.copyOf(paths.get(type.getKey())))
                        .forEach(p -> read.put(p.obj(), p));
            } catch (Exception e) {
                failure = e;
            }
        }
        long now = System.nanoTime();
        List<Wait> finished = new ArrayList<>();
        for (Wait w : round) {
            Vcenter.Props p = read.get(w.obj());
            if (p != null && w.done().test(p)) {
                w.result().complete(p);
            } else if (failure != null && p == null) {
                w.result().completeExceptionally(failure);
            } else if (now > w.deadline()) {
                w.result().completeExceptionally(new TimeoutException("not within its bound"));
            } else if (p == null) {
                w.result().completeExceptionally(new IllegalStateException(w.obj().type() + " " + w.obj().value()
                        + " is gone"));
            } else {
                continue;
            }
            finished.add(w);
        }
        synchronized (this) {
            waits.removeAll(finished);
        }
    }

    @Override
    public void close() {
        List<Wait> left;
        synchronized (this) {
            closed = true;
            left = List.copyOf(waits);
            waits.clear();
            notifyAll();
        }
        left.forEach(w -> w.result().completeExceptionally(new IllegalStateException("the vSphere provider is closed")));
        thread.interrupt();
    }
}
