package io.batchwire.dispatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Job chunks waiting for their upstream, one queue per upstream type and, inside it, one per tenant. {@link #poll()}
 * hands out the next chunk of an upstream that has a free slot, taking tenants in turn (round robin), so a tenant's
 * backlog delays another tenant by at most one chunk per turn. Thread-safe; no I/O happens under its lock.
 *
 * @param <T> what is queued: anything that names its chunk
 */
final class FairQueue<T> {

    private final ToIntFunction<String> slotsPerType;
    private final Function<T, JobChunk> chunkOf;
    private final Map<String, Lane<T>> lanes = new LinkedHashMap<>();
    private int waiting;
    private int running;

    /** One upstream type's waiting chunks, by tenant, and its running count. */
    private static final class Lane<T> {
        final int slots;
        final Map<UUID, ArrayDeque<T>> byTenant = new HashMap<>();
        final ArrayDeque<UUID> turns = new ArrayDeque<>();
        int running;

        Lane(int slots) {
            this.slots = slots;
        }
    }

    FairQueue(ToIntFunction<String> slotsPerType, Function<T, JobChunk> chunkOf) {
        this.slotsPerType = slotsPerType;
        this.chunkOf = chunkOf;
    }

    synchronized void offer(T item) {
        JobChunk c = chunkOf.apply(item);
        Lane<T> lane = lanes.computeIfAbsent(c.type(), t -> new Lane<>(Math.max(1, slotsPerType.applyAsInt(t))));
        ArrayDeque<T> q = lane.byTenant.get(c.tenantId());
        if (q == null) {
            q = new ArrayDeque<>();
            lane.byTenant.put(c.tenantId(), q);
            lane.turns.addLast(c.tenantId());
        }
        q.addLast(item);
        waiting++;
    }

    /** The next chunk that may start now, marked running; null if none. */
    synchronized T poll() {
        for (Lane<T> lane : lanes.values()) {
            if (lane.running >= lane.slots || lane.turns.isEmpty()) {
                continue;
            }
            UUID tenant = lane.turns.pollFirst();
            ArrayDeque<T> q = lane.byTenant.get(tenant);
            T next = q.pollFirst();
            if (q.isEmpty()) {
                lane.byTenant.remove(tenant);
            } else {
                lane.turns.addLast(tenant);
            }
            lane.running++;
            running++;
            waiting--;
            return next;
        }
        return null;
    }

    /** A chunk handed out by {@link #poll()} has finished sending; its slot is free. */
    synchronized void done(T item) {
        Lane<T> lane = lanes.get(chunkOf.apply(item).type());
        lane.running--;
        running--;
    }

    /** Takes the waiting chunks that match out of the queue (they never started); returns them. */
    synchronized List<T> removeWaiting(Predicate<T> which) {
        List<T> out = new ArrayList<>();
        for (Lane<T> lane : lanes.values()) {
            for (Iterator<Map.Entry<UUID, ArrayDeque<T>>> it = lane.byTenant.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<UUID, ArrayDeque<T>> e = it.next();
                e.getValue().removeIf(item -> {
                    if (which.test(item)) {
                        out.add(item);
                        return true;
                    }
                    return false;
                });
                if (e.getValue().isEmpty()) {
                    it.remove();
                    lane.turns.remove(e.getKey());
                }
            }
        }
        waiting -= out.size();
        return out;
    }

    synchronized int waiting() {
        return waiting;
    }

    synchronized int running() {
        return running;
    }

    /** Chunks held in all: waiting and running. */
    synchronized int held() {
        return waiting + running;
    }
}
