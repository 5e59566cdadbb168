package io.berth.controller.provider;

import io.berth.controller.provider.ProviderException.Kind;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider's task threads, a bounded number of them: each task's body runs on one, and its future fails with a
 * ProviderException whatever the body threw — the provider's {@link Translator} says how its own exceptions read.
 * Closing lets running tasks finish (bounded), then interrupts the rest.
 */
public final class ProviderTasks implements AutoCloseable {

    /** A body's exception (never an InterruptedException) as the one-line failure of VM {@code vm} (null: none). */
    public interface Translator {
        ProviderException translate(String vm, Exception e);
    }

    private final String describe;
    private final Translator translator;
    private final ExecutorService executor;

    /** {@code describe}: the provider, for "closed" messages; threads are named {@code <threadName>-<n>}. */
    public ProviderTasks(String threadName, int parallelism, String describe, Translator translator) {
        this.describe = describe;
        this.translator = translator;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public <T> CompletableFuture<T> run(String vm, Callable<T> body) {
        CompletableFuture<T> future = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    future.complete(body.call());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    future.completeExceptionally(new ProviderException(Kind.TRANSIENT, vm, "interrupted"));
                } catch (Exception e) {
                    future.completeExceptionally(translator.translate(vm, e));
                }
            });
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new ProviderException(Kind.INVALID, vm, describe + ": provider closed"));
        }
        return future;
    }

    /** Lets running tasks finish (60 s), then interrupts them (interrupted tasks kill the commands they run). */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                executor.shutdownNow();
                executor.awaitTermination(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
