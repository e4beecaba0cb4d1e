package io.batchwire.upstream;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One upstream's limits on this replica: its slice of the cluster-wide concurrency and rate (set by
 * {@link ClusterLimits} from the leases in Postgres), the adaptive cap learnt from the upstream's answers (when
 * {@code adaptive=true}), and pauses (a {@code Retry-After} on a 429, or an exhausted rate-limit window, pauses the
 * upstream for the whole cluster). The concurrency in force is {@code min(slice, adaptive cap)}. A slice holds only
 * while its lease surely does: a replica that could not renew stops starting calls.
 */
public final class UpstreamLimits {

    private final String type;
    private final UpstreamConfig.Upstream config;
    private final ConcurrencyLimiter concurrency;
    private final RateLimiter rate;
    private final AdaptiveLimit adaptive;
    private final Scheduler scheduler;

    private int slice;
    private double sliceRate;
    /** System.nanoTime() until which the slice surely holds; 0 = no slice yet. */
    private long sliceUntil;
    private long pausedUntilNanos;
    private long pauses;
    private Instant last429;
    private double learntRate;
    private final AtomicLong overloads = new AtomicLong();

    /** Runs a task after a delay (a Vert.x timer in the service). */
    public interface Scheduler {
        void after(Duration delay, Runnable task);
    }

    UpstreamLimits(String type, UpstreamConfig.Upstream config, Scheduler scheduler) {
        this.type = type;
        this.config = config;
        this.scheduler = scheduler;
        this.concurrency = new ConcurrencyLimiter(config.concurrency());
        this.concurrency.setLimit(0); // nothing until the cluster grants a slice
        this.rate = new RateLimiter(config.ratePerSecond() > 0 ? -1 : 0);
        this.adaptive = config.adaptive() ? new AdaptiveLimit(config.concurrency(), config.adaptiveBackoff(),
                config.adaptiveLatencyTolerance(), config.adaptiveProbeHold().toNanos()) : null;
    }

    public String type() {
        return type;
    }

    public ConcurrencyLimiter concurrency() {
        return concurrency;
    }

    /**
     * Runs one attempt under the limits: once a permit is free (and it is the tenant's turn), the upstream is not
     * paused and the rate allows a start; null (nothing sent) if {@code giveUp} says so once the permit is held.
     */
    public <T> Uni<T> run(UUID tenant, double weight, BooleanSupplier giveUp, Supplier<Uni<T>> attempt) {
        return concurrency.run(tenant, weight, () -> {
            if (giveUp.getAsBoolean()) {
                return Uni.createFrom().<T>nullItem();
            }
            Uni<Void> slot = rate.acquire();
            return slot == RateLimiter.NOW ? attempt.get()
                    : slot.chain(() -> giveUp.getAsBoolean() ? Uni.createFrom().<T>nullItem() : attempt.get());
        });
    }

    /** An attempt ended: feeds the adaptive cap. {@code overload}: 429, 503, a time-out or a refused connection. */
    public void sample(Duration latency, boolean overload) {
        if (overload) {
            overloads.incrementAndGet();
        }
        if (adaptive == null) {
            return;
        }
        synchronized (this) {
            adaptive.sample(System.nanoTime(), latency.toNanos() / 1e6, overload, concurrency.inUse());
        }
        apply();
    }

    /** The upstream answered 429. */
    public synchronized void noteTooMany() {
        last429 = Instant.now();
    }

    /** The upstream asked for a pause (a 429's Retry-After, or a rate-limit window used up): nothing starts until then. */
    public void pause(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return;
        }
        long until = System.nanoTime() + d.toNanos();
        synchronized (this) {
            if (until - pausedUntilNanos <= 0) {
                return; // already paused at least that long
            }
            pausedUntilNanos = until;
            pauses++;
        }
        concurrency.pause();
        scheduler.after(d, this::resumeIfDue);
    }

    /** A pause another replica saw, as the cluster's table holds it. */
    void pausedUntil(Instant until) {
        Duration d = Duration.between(Instant.now(), until);
        if (!d.isNegative() && !d.isZero()) {
            pause(d);
        }
    }

    private void resumeIfDue() {
        long left;
        synchronized (this) {
            left = pausedUntilNanos - System.nanoTime();
        }
        if (left > 0) {
            // paused again meanwhile for longer, or the timer (in whole milliseconds) fired a little early
            scheduler.after(Duration.ofNanos(left), this::resumeIfDue);
            return;
        }
        concurrency.resume();
    }

    /** The upstream's own rate-limit policy (requests per second), as its headers declared it. */
    public synchronized void learnRate(double perSecond) {
        if (perSecond > 0) {
            learntRate = perSecond;
        }
    }

    /** The cluster-wide rate in force: the configured one, or what the upstream declared if that is lower. */
    synchronized double clusterRate() {
        double configured = config.ratePerSecond();
        if (learntRate > 0) {
            return configured > 0 ? Math.min(configured, learntRate) : learntRate;
        }
        return configured;
    }

    /** The slice the cluster granted this replica, until {@code validUntilNanos}; rate is this replica's share of it. */
    void grant(int slice, double sliceRate, long validUntilNanos) {
        synchronized (this) {
            this.slice = slice;
            this.sliceRate = sliceRate;
            this.sliceUntil = validUntilNanos;
        }
        apply();
        scheduler.after(Duration.ofNanos(Math.max(0, validUntilNanos - System.nanoTime())), this::apply);
    }

    /** Puts the limits in force: {@code min(slice, adaptive cap)} while the slice's lease holds, else nothing. */
    void apply() {
        int limit;
        double r;
        synchronized (this) {
            boolean valid = sliceUntil != 0 && System.nanoTime() - sliceUntil < 0;
            limit = valid ? slice : 0;
            if (adaptive != null) {
                limit = Math.min(limit, adaptive.limit());
            }
            r = clusterRate() <= 0 ? 0 : valid && sliceRate > 0 ? sliceRate : -1;
        }
        concurrency.setLimit(limit);
        rate.setRate(r);
    }

    /** The adaptive cap (the configured concurrency when not adaptive). */
    public synchronized int adaptiveLimit() {
        return adaptive == null ? config.concurrency() : adaptive.limit();
    }

    /** What this replica wants of the cluster, per tenant; capped at twice the adaptive cap (room to grow). */
    List<ConcurrencyLimiter.Demand> demand() {
        return concurrency.demand();
    }

    /** How much of the cluster's concurrency this replica would use now (its demand, within its adaptive cap). */
    int wanted() {
        int total = 0;
        for (ConcurrencyLimiter.Demand d : concurrency.demand()) {
            total += d.waiting() + d.running();
        }
        return adaptive == null ? total : Math.min(total, 2 * adaptiveLimit());
    }

    public synchronized int slice() {
        return slice;
    }

    public synchronized long pauses() {
        return pauses;
    }

    public synchronized Instant last429() {
        return last429;
    }

    public synchronized boolean paused() {
        return System.nanoTime() - pausedUntilNanos < 0;
    }

    public long overloads() {
        return overloads.get();
    }

    /** Applies a learnt pause-until in the database's terms, for others to read. */
    synchronized Instant pausedUntilInstant() {
        long left = pausedUntilNanos - System.nanoTime();
        return left > 0 ? Instant.now().plusNanos(left) : null;
    }
}
