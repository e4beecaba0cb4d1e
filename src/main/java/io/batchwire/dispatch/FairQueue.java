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
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

/**
 * Job chunks waiting for their upstream, one queue per upstream type and, inside it, one per tenant. {@link #poll()}
 * hands out the next chunk of an upstream that has a free slot, taking tenants in turn by weight (stride scheduling:
 * the tenant with the least weighted share of starts so far goes next; equal weights take plain turns), so a tenant's
 * backlog delays another tenant by at most one chunk per turn, and tenants of weights 3 and 1 run chunks 3:1 (which
 * keeps both with records waiting at the upstream's limiter, where calls are shared by weight again). An upstream
 * runs {@code slots} chunks, plus one for each tenant with chunks waiting, so a waiting tenant never lacks a running
 * chunk (and records at the limiter) because others' chunks hold every slot. Thread-safe; no I/O happens under its
 * lock.
 *
 * @param <T> what is queued: anything that names its chunk
 */
final class FairQueue<T> {

    private final ToIntFunction<String> slotsPerType;
    private final Function<T, JobChunk> chunkOf;
    private final ToDoubleFunction<UUID> weightOf;
    private final Map<String, Lane<T>> lanes = new LinkedHashMap<>();
    private int waiting;
    private int running;

    /** One upstream type's waiting chunks, by tenant (in the order they started waiting), and its running count. */
    private static final class Lane<T> {
        final int slots;
        final Map<UUID, ArrayDeque<T>> byTenant = new LinkedHashMap<>();
        final Map<UUID, Double> pass = new HashMap<>();
        /** The pass of the tenant served last: one that starts waiting joins at it. */
        double now;
        int running;

        Lane(int slots) {
            this.slots = slots;
        }
    }

    FairQueue(ToIntFunction<String> slotsPerType, Function<T, JobChunk> chunkOf) {
        this(slotsPerType, chunkOf, tenant -> 1);
    }

    FairQueue(ToIntFunction<String> slotsPerType, Function<T, JobChunk> chunkOf, ToDoubleFunction<UUID> weightOf) {
        this.slotsPerType = slotsPerType;
        this.chunkOf = chunkOf;
        this.weightOf = weightOf;
    }

    synchronized void offer(T item) {
        JobChunk c = chunkOf.apply(item);
        Lane<T> lane = lanes.computeIfAbsent(c.type(), t -> new Lane<>(Math.max(1, slotsPerType.applyAsInt(t))));
        ArrayDeque<T> q = lane.byTenant.get(c.tenantId());
        if (q == null) {
            q = new ArrayDeque<>();
            lane.byTenant.put(c.tenantId(), q);
            lane.pass.merge(c.tenantId(), lane.now, Math::max);
        }
        q.addLast(item);
        waiting++;
    }

    /** The next chunk that may start now, marked running; null if none. */
    synchronized T poll() {
        for (Lane<T> lane : lanes.values()) {
            if (lane.byTenant.isEmpty() || lane.running >= lane.slots + lane.byTenant.size()) {
                continue;
            }
            UUID tenant = null;
            double least = Double.MAX_VALUE;
            for (UUID t : lane.byTenant.keySet()) {
                double p = lane.pass.getOrDefault(t, 0.0);
                if (p < least) {
                    least = p;
                    tenant = t;
                }
            }
            ArrayDeque<T> q = lane.byTenant.get(tenant);
            T next = q.pollFirst();
            lane.now = Math.max(lane.now, least);
            lane.pass.put(tenant, least + 1 / Math.max(1e-3, weightOf.applyAsDouble(tenant)));
            if (q.isEmpty()) {
                lane.byTenant.remove(tenant);
                if (lane.pass.size() > 1024) {
                    lane.pass.keySet().retainAll(lane.byTenant.keySet()); // idle tenants' passes no longer matter
                }
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
