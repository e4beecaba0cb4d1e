package io.batchwire.upstream;

import io.smallrye.mutiny.Uni;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A non-blocking semaphore: at most {@code limit} pieces of work run at once; the rest wait in FIFO order without
 * holding a thread. The limiter itself starts each piece of work and takes the permit back only when that work has
 * really ended, so a caller that stops waiting can never push the real concurrency over the limit.
 * Waiters are bounded by the callers (chunks in flight x chunk size).
 */
public final class ConcurrencyLimiter {

    private final int limit;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int inUse;

    /** {@code claimed} turns true once, either when the work starts or when its caller gives up waiting. */
    private record Waiter(AtomicBoolean claimed, Runnable start) {
    }

    public ConcurrencyLimiter(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("concurrency limit must be at least 1, was " + limit);
        }
        this.limit = limit;
    }

    /** Runs the work once a permit is free; the permit is given back however the work ends. */
    public <T> Uni<T> run(Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> {
            Runnable start = () -> {
                Uni<T> uni;
                try {
                    uni = work.get();
                } catch (RuntimeException e) {
                    release();
                    emitter.fail(e);
                    return;
                }
                uni.subscribe().with(item -> {
                    release();
                    emitter.complete(item);
                }, failure -> {
                    release();
                    emitter.fail(failure);
                });
            };
            Waiter waiter = new Waiter(new AtomicBoolean(), start);
            boolean now;
            synchronized (this) {
                now = inUse < limit;
                if (now) {
                    inUse++;
                } else {
                    waiters.addLast(waiter);
                }
            }
            if (now) {
                waiter.claimed.set(true);
                start.run();
            } else {
                emitter.onTermination(() -> {
                    if (waiter.claimed.compareAndSet(false, true)) {
                        synchronized (this) {
                            waiters.remove(waiter);
                        }
                    }
                });
            }
        });
    }

    public synchronized int inUse() {
        return inUse;
    }

    public synchronized int waiting() {
        return waiters.size();
    }

    public int limit() {
        return limit;
    }

    private void release() {
        while (true) {
            Waiter next;
            synchronized (this) {
                next = waiters.pollFirst();
                if (next == null) {
                    inUse--;
                    return;
                }
            }
            if (next.claimed.compareAndSet(false, true)) {
                // the permit passes straight to the next waiter
                next.start.run();
                return;
            }
        }
    }
}
