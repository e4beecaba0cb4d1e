package io.batchwire.upstream;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spaces request starts evenly at a rate that may change while it runs (the replica's slice of a cluster-wide rate);
 * waiting is a timer, never a blocked thread. A rate of 0 means no limit; a negative one means none may start now
 * (a slice of nothing): callers retry shortly.
 */
public final class RateLimiter {

    private static final long BLOCKED = -1;
    /** How long a caller waits before asking again while the rate is nothing. */
    private static final Duration NOTHING_RETRY = Duration.ofMillis(100);

    private final AtomicLong nextFree = new AtomicLong(Long.MIN_VALUE);
    private volatile long intervalNanos;

    public RateLimiter(double ratePerSecond) {
        setRate(ratePerSecond);
    }

    /** Starts per second from now on: 0 = unlimited; a negative rate lets nothing start. */
    public void setRate(double ratePerSecond) {
        intervalNanos = ratePerSecond == 0 ? 0 : ratePerSecond < 0 ? BLOCKED : Math.max(1, (long) (1_000_000_000L / ratePerSecond));
    }

    /** What {@link #acquire} answers when a start may go at once: callers can tell it apart and skip a step. */
    public static final Uni<Void> NOW = Uni.createFrom().voidItem();

    /** Completes when the next start may go: {@link #NOW} itself when that is now. */
    public Uni<Void> acquire() {
        long interval = intervalNanos;
        if (interval == 0) {
            return NOW;
        }
        if (interval == BLOCKED) {
            return Uni.createFrom().voidItem().onItem().delayIt().by(NOTHING_RETRY).chain(this::acquire);
        }
        long now = System.nanoTime();
        long slot;
        while (true) {
            long prev = nextFree.get();
            slot = prev == Long.MIN_VALUE || prev - now < 0 ? now : prev;
            if (nextFree.compareAndSet(prev, slot + interval)) {
                break;
            }
        }
        long wait = slot - now;
        return wait <= 0 ? NOW
                : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofNanos(wait));
    }
}
