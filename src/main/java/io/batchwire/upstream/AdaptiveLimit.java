package io.batchwire.upstream;

/**
 * The concurrency an upstream copes with, learnt from its answers (AIMD, as TCP's congestion window): it starts
 * small and doubles every window while the limit is used and answers are healthy (slow start); after the first sign
 * of overload it grows by one per window; an overload (429, 503, a time-out, or a window's mean latency above
 * {@code tolerance} times the unloaded latency) cuts it by {@code backoff}, at most once per window. Just below the
 * level where the upstream last refused (429, 503, a time-out) it holds for {@code probeHoldNanos} before probing
 * again, so an upstream that refuses above N sees a probe now and then, not a saw-tooth. Below the level where only
 * the latency rose it holds for {@value #LATENCY_HOLD_WINDOWS} windows: latency is a softer signal, and on a busy
 * host it rises with the host's own load, so it must not pin the limit for a whole hold while the upstream would take
 * more. A window lasts about one round trip (at least 100 ms).
 * The unloaded latency is the lowest window mean seen, and is measured anew by every window with at most
 * {@value #UNLOADED} calls in flight: when the work is that light, and once an epoch (30 s), when one window runs at
 * that concurrency. So an upstream that became slower for good is learnt within an epoch rather than taken for an
 * overloaded one forever. Not thread-safe on its own: the owner synchronizes.
 */
final class AdaptiveLimit {

    static final long MIN_WINDOW_NANOS = 100_000_000L;
    private static final int MIN_WINDOW_SAMPLES = 4;
    private static final double INITIAL = 4;
    static final long EPOCH_NANOS = 30_000_000_000L;
    /** At most this many calls in flight count as no load: such a window measures the unloaded latency. */
    static final int UNLOADED = 4;
    /** How many windows the limit stays below the level where latency alone said overload. */
    static final int LATENCY_HOLD_WINDOWS = 5;

    private final int max;
    private final double backoff;
    private final double tolerance;
    private final long probeHoldNanos;

    private double limit;
    private boolean slowStart = true;
    /** The limit when the upstream last refused, and until when growth stays below it. */
    private final Ceiling refused = new Ceiling();
    /** The limit when latency alone last said overload, and until when growth stays below it. */
    private final Ceiling slowed = new Ceiling();
    private long lastCut = Long.MIN_VALUE / 2;
    /** The limit just before the last cut. */
    private double beforeLastCut;
    private double baselineMs;
    private double lastWindowMs;
    private long epochStart = Long.MIN_VALUE;
    /** This window runs at {@link #UNLOADED} calls, to measure the unloaded latency. */
    private boolean draining;
    private boolean drainedThisEpoch;

    private long windowStart = Long.MIN_VALUE;
    private int samples;
    private double latencySumMs;
    private int peakInFlight;
    private boolean overloaded;

    AdaptiveLimit(int max, double backoff, double tolerance, long probeHoldNanos) {
        this.max = max;
        this.backoff = backoff;
        this.tolerance = tolerance;
        this.probeHoldNanos = probeHoldNanos;
        this.limit = Math.min(max, INITIAL);
    }

    /** The whole number of calls that may be in flight now. */
    int limit() {
        return (int) Math.max(1, Math.floor(draining ? Math.min(limit, UNLOADED) : limit));
    }

    /** The unloaded latency learnt so far (ms; 0 before the first window). */
    double baselineMs() {
        return baselineMs;
    }

    /**
     * One attempt ended at {@code now}: its latency, whether the upstream pushed back, and how many calls were in
     * flight (this one included) when it ended.
     */
    void sample(long now, double latencyMs, boolean overload, int inFlight) {
        if (windowStart == Long.MIN_VALUE) {
            windowStart = now;
            epochStart = now;
        }
        peakInFlight = Math.max(peakInFlight, inFlight);
        if (overload) {
            overloaded = true;
            cut(now, refused, probeHoldNanos);
        } else {
            samples++;
            latencySumMs += latencyMs;
        }
        if (now - windowStart >= window() && samples + (overloaded ? 1 : 0) >= MIN_WINDOW_SAMPLES) {
            endWindow(now);
        }
    }

    private long window() {
        return Math.max(MIN_WINDOW_NANOS, (long) (lastWindowMs * 1_000_000));
    }

    private void cut(long now, Ceiling ceiling, long hold) {
        if (now - lastCut < window()) {
            // one cut per window: the answers of one burst all say the same; but a refusal just after a latency cut
            // still marks the level it came at (the one before that cut) for its own, longer hold
            ceiling.at = Math.min(ceiling.until > now ? ceiling.at : Double.MAX_VALUE, beforeLastCut);
            ceiling.until = Math.max(ceiling.until, now + hold);
            return;
        }
        beforeLastCut = limit;
        ceiling.at = limit;
        ceiling.until = now + hold;
        slowStart = false;
        limit = Math.max(1, limit * backoff);
        lastCut = now;
    }

    private void endWindow(long now) {
        boolean wasDraining = draining;
        draining = false;
        if (samples > 0) {
            double mean = latencySumMs / samples;
            lastWindowMs = mean;
            if (baselineMs == 0 || mean < baselineMs || peakInFlight <= UNLOADED) {
                baselineMs = mean;
            }
            if (!wasDraining && !overloaded && mean > tolerance * baselineMs) {
                cut(now, slowed, LATENCY_HOLD_WINDOWS * window());
                overloaded = true;
            }
        }
        if (now - epochStart >= EPOCH_NANOS) {
            epochStart = now;
            drainedThisEpoch = false;
        } else if (!drainedThisEpoch && !slowStart && limit > UNLOADED && now - epochStart >= EPOCH_NANOS / 2) {
            draining = true; // the next window runs unloaded, and measures
            drainedThisEpoch = true;
        }
        boolean used = peakInFlight >= limit() - 1;
        if (!wasDraining && !overloaded && used) {
            if (slowStart) {
                limit = Math.min(max, limit * 2);
            } else if (refused.allows(limit + 1, now) && slowed.allows(limit + 1, now)) {
                limit = Math.min(max, limit + 1);
            }
        }
        windowStart = now;
        samples = 0;
        latencySumMs = 0;
        peakInFlight = 0;
        overloaded = false;
    }

    /** A level the limit stays below until a time. */
    private static final class Ceiling {
        double at = Double.MAX_VALUE;
        long until = Long.MIN_VALUE;

        boolean allows(double next, long now) {
            return now >= until || next <= at - 1;
        }
    }
}
