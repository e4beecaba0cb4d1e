package io.batchwire.dispatch;

import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToIntFunction;

/**
 * Job chunks waiting for their upstream, one queue per upstream type and, inside it, one per tenant. {@link #poll()}
 * hands out the next chunk of an upstream that has a free slot, taking tenants in turn (round robin), so a tenant's
 * backlog delays another tenant by at most one chunk per turn. Thread-safe; no I/O happens under its lock.
 */
final class FairQueue {

    private final ToIntFunction<String> slotsPerType;
    private final Map<String, Lane> lanes = new LinkedHashMap<>();
    private int waiting;
    private int running;

    /** One upstream type's waiting chunks, by tenant, and its running count. */
    private static final class Lane {
        final int slots;
        final Map<UUID, ArrayDeque<Message<JobChunk>>> byTenant = new HashMap<>();
        final ArrayDeque<UUID> turns = new ArrayDeque<>();
        int running;

        Lane(int slots) {
            this.slots = slots;
        }
    }

    FairQueue(ToIntFunction<String> slotsPerType) {
        this.slotsPerType = slotsPerType;
    }

    synchronized void offer(Message<JobChunk> chunk) {
        JobChunk c = chunk.getPayload();
        Lane lane = lanes.computeIfAbsent(c.type(), t -> new Lane(Math.max(1, slotsPerType.applyAsInt(t))));
        ArrayDeque<Message<JobChunk>> q = lane.byTenant.get(c.tenantId());
        if (q == null) {
            q = new ArrayDeque<>();
            lane.byTenant.put(c.tenantId(), q);
            lane.turns.addLast(c.tenantId());
        }
        q.addLast(chunk);
        waiting++;
    }

    /** The next chunk that may start now, marked running; null if none. */
    synchronized Message<JobChunk> poll() {
        for (Lane lane : lanes.values()) {
            if (lane.running >= lane.slots || lane.turns.isEmpty()) {
                continue;
            }
            UUID tenant = lane.turns.pollFirst();
            ArrayDeque<Message<JobChunk>> q = lane.byTenant.get(tenant);
            Message<JobChunk> next = q.pollFirst();
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
    synchronized void done(Message<JobChunk> chunk) {
        Lane lane = lanes.get(chunk.getPayload().type());
        lane.running--;
        running--;
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
