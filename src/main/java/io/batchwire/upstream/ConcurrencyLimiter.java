package io.batchwire.upstream;

import io.smallrye.mutiny.Uni;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A non-blocking semaphore whose limit may change while it runs (the replica's slice of a cluster-wide limit, and an
 * adaptive cap), and which shares its permits between tenants by weight: waiters queue per tenant, and a free permit
 * goes to the tenant with the least weighted use so far (stride scheduling), so tenants with weights 3 and 1 that
 * both wait get permits 3:1, and a tenant alone gets them all. The limiter itself starts each piece of work and takes
 * the permit back only when that work has really ended, so a caller that stops waiting can never push the real
 * concurrency over the limit. Lowering the limit stops new starts; what runs finishes. While paused, nothing starts.
 * Waiters are bounded by the callers (chunks in flight x chunk size).
 */
public final class ConcurrencyLimiter {

    /** Work of callers that name no tenant shares one queue. */
    private static final UUID NOBODY = new UUID(0, 0);

    private final int max;
    private final Map<UUID, Tenant> tenants = new HashMap<>();
    private int limit;
    private int inUse;
    private int waiting;
    private boolean paused;
    /** The virtual time: the pass of the tenant served last. A tenant that starts waiting joins at it. */
    private double now;

    /** {@code claimed} turns true once, either when the work starts or when its caller gives up waiting. */
    private record Waiter(AtomicBoolean claimed, Runnable start) {
    }

    private static final class Tenant {
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
        double weight = 1;
        double pass;
        int inUse;
    }

    /** Waiting and running work of one tenant, with its weight: what this replica asks of the cluster for it. */
    public record Demand(UUID tenant, double weight, int waiting, int running) {
    }

    public ConcurrencyLimiter(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("concurrency limit must be at least 1, was " + max);
        }
        this.max = max;
        this.limit = max;
    }

    /** Runs the work once a permit is free, in no tenant's name. */
    public <T> Uni<T> run(Supplier<Uni<T>> work) {
        return run(NOBODY, 1, work);
    }

    /** Runs the work once a permit is free and it is {@code tenant}'s turn; the permit is given back however it ends. */
    public <T> Uni<T> run(UUID tenant, double weight, Supplier<Uni<T>> work) {
        UUID who = tenant == null ? NOBODY : tenant;
        return Uni.createFrom().emitter(emitter -> {
            Runnable start = () -> {
                Uni<T> uni;
                try {
                    uni = work.get();
                } catch (RuntimeException e) {
                    release(who);
                    emitter.fail(e);
                    return;
                }
                uni.subscribe().with(item -> {
                    release(who);
                    emitter.complete(item);
                }, failure -> {
                    release(who);
                    emitter.fail(failure);
                });
            };
            Waiter waiter = new Waiter(new AtomicBoolean(), start);
            boolean now;
            synchronized (this) {
                Tenant t = tenants.computeIfAbsent(who, k -> new Tenant());
                t.weight = weight > 0 ? weight : 1;
                now = !paused && inUse < limit && waiting == 0;
                if (now) {
                    inUse++;
                    t.inUse++;
                    charge(t);
                } else {
                    if (t.waiters.isEmpty()) {
                        t.pass = Math.max(t.pass, this.now);
                    }
                    t.waiters.addLast(waiter);
                    waiting++;
                }
            }
            if (now) {
                waiter.claimed.set(true);
                start.run();
            } else {
                emitter.onTermination(() -> {
                    if (waiter.claimed.compareAndSet(false, true)) {
                        synchronized (this) {
                            Tenant t = tenants.get(who);
                            if (t != null && t.waiters.remove(waiter)) {
                                waiting--;
                                forgetIfIdle(who, t);
                            }
                        }
                    }
                });
            }
        });
    }

    /** Sets the limit (clamped to 0..max); a higher one starts waiters at once. */
    public void setLimit(int newLimit) {
        synchronized (this) {
            limit = Math.max(0, Math.min(max, newLimit));
        }
        dispatch();
    }

    /** Stops starting work until {@link #resume()}; what runs goes on. */
    public synchronized void pause() {
        paused = true;
    }

    public void resume() {
        synchronized (this) {
            paused = false;
        }
        dispatch();
    }

    public synchronized boolean paused() {
        return paused;
    }

    public synchronized int inUse() {
        return inUse;
    }

    public synchronized int waiting() {
        return waiting;
    }

    /** The limit in force now. */
    public synchronized int limit() {
        return limit;
    }

    /** The configured maximum. */
    public int max() {
        return max;
    }

    /** Per tenant with work here: its weight, waiting and running work. */
    public synchronized List<Demand> demand() {
        List<Demand> out = new ArrayList<>(tenants.size());
        tenants.forEach((id, t) -> {
            if (!t.waiters.isEmpty() || t.inUse > 0) {
                out.add(new Demand(id, t.weight, t.waiters.size(), t.inUse));
            }
        });
        return out;
    }

    private void release(UUID who) {
        synchronized (this) {
            inUse--;
            Tenant t = tenants.get(who);
            if (t != null) {
                t.inUse--;
                forgetIfIdle(who, t);
            }
        }
        dispatch();
    }

    /** Starts waiters while permits are free, the tenant with the least weighted use first. */
    private void dispatch() {
        List<Runnable> starts = null;
        synchronized (this) {
            while (!paused && inUse < limit && waiting > 0) {
                Tenant next = null;
                UUID nextId = null;
                for (Map.Entry<UUID, Tenant> e : tenants.entrySet()) {
                    Tenant t = e.getValue();
                    if (!t.waiters.isEmpty() && (next == null || t.pass < next.pass)) {
                        next = t;
                        nextId = e.getKey();
                    }
                }
                Waiter w = next.waiters.pollFirst();
                waiting--;
                if (!w.claimed.compareAndSet(false, true)) {
                    forgetIfIdle(nextId, next);
                    continue; // its caller gave up
                }
                inUse++;
                next.inUse++;
                charge(next);
                if (starts == null) {
                    starts = new ArrayList<>();
                }
                starts.add(w.start);
            }
        }
        if (starts != null) {
            starts.forEach(Runnable::run);
        }
    }

    /** One permit's worth of use for {@code t}: its pass moves on by the inverse of its weight. */
    private void charge(Tenant t) {
        now = Math.max(now, t.pass);
        t.pass += 1 / t.weight;
    }

    private void forgetIfIdle(UUID id, Tenant t) {
        if (t.waiters.isEmpty() && t.inUse == 0 && tenants.size() > 64) {
            tenants.remove(id); // keep the map small; an idle tenant's pass no longer matters
        }
    }
}
