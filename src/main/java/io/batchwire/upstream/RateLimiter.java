package io.batchwire.upstream;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Spaces request starts evenly at {@code ratePerSecond}; waiting is a timer, never a blocked thread. */
public final class RateLimiter {

    private final long intervalNanos;
    private final AtomicLong nextFree = new AtomicLong(Long.MIN_VALUE);

    public RateLimiter(double ratePerSecond) {
        this.intervalNanos = ratePerSecond <= 0 ? 0 : (long) (1_000_000_000L / ratePerSecond);
    }

    public Uni<Void> acquire() {
        if (intervalNanos == 0) {
            return Uni.createFrom().voidItem();
        }
        long now = System.nanoTime();
        long slot;
        while (true) {
            long prev = nextFree.get();
            slot = prev == Long.MIN_VALUE || prev - now < 0 ? now : prev;
            if (nextFree.compareAndSet(prev, slot + intervalNanos)) {
                break;
            }
        }
        long wait = slot - now;
        return wait <= 0 ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofNanos(wait));
    }
}
