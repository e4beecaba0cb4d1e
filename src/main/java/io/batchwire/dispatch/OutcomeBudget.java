package io.batchwire.dispatch;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

import java.util.ArrayDeque;

/**
 * Bounds the outcomes waiting for the broker (gathered, or handed to the producer and not yet acknowledged) in count
 * and in bytes: a record's first call starts only while both are under their limits, so a slow broker and large
 * upstream bodies hold the heap to the budget plus what the calls already in flight bring back (at most the upstreams'
 * concurrency times {@code max-response-bytes}). Waiting is a queued callback, never a blocked thread.
 */
final class OutcomeBudget {

    private final int maxCount;
    private final long maxBytes;
    private final ArrayDeque<UniEmitter<? super Void>> waiters = new ArrayDeque<>();
    private int count;
    private long bytes;

    OutcomeBudget(int maxCount, long maxBytes) {
        this.maxCount = Math.max(1, maxCount);
        this.maxBytes = Math.max(1, maxBytes);
    }

    /** Completes once there is room (at once when there is). */
    Uni<Void> room() {
        return Uni.createFrom().emitter(e -> {
            boolean now;
            synchronized (this) {
                now = hasRoom();
                if (!now) {
                    waiters.addLast(e);
                }
            }
            if (now) {
                e.complete(null);
            }
        });
    }

    synchronized boolean hasRoom() {
        return count < maxCount && bytes < maxBytes;
    }

    synchronized void add(long size) {
        count++;
        bytes += size;
    }

    /** {@code n} outcomes of {@code size} bytes in all were acknowledged (or dropped): wakes waiters while there is room. */
    void release(int n, long size) {
        while (true) {
            UniEmitter<? super Void> next;
            synchronized (this) {
                if (n != 0) {
                    count -= n;
                    bytes -= size;
                    n = 0;
                }
                if (!hasRoom() || waiters.isEmpty()) {
                    return;
                }
                next = waiters.pollFirst();
            }
            next.complete(null);
        }
    }

    synchronized int count() {
        return count;
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized int waiting() {
        return waiters.size();
    }
}
