package io.batchwire.upstream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The AIMD rules on a simulated clock: windows of 100 ms, an upstream that refuses above N or slows with load. */
class AdaptiveLimitTest {

    private static final long MS = 1_000_000L;
    private static final long HOLD = 30_000 * MS;

    /** Runs {@code windows} windows against an upstream that refuses above {@code capacity}; the limit after each. */
    private static int[] refusingAbove(AdaptiveLimit limit, int capacity, int windows) {
        int[] trace = new int[windows];
        long now = 0;
        for (int w = 0; w < windows; w++) {
            int inFlight = limit.limit();
            for (int i = 0; i < inFlight; i++) {
                now += 100 * MS / inFlight;
                limit.sample(now, 100, i >= capacity, inFlight);
            }
            trace[w] = limit.limit();
        }
        return trace;
    }

    @Test
    void slowStartThenSettlesJustBelowTheLevelThatWasRefused() {
        AdaptiveLimit limit = new AdaptiveLimit(100, 0.9, 1.5, HOLD);
        int[] trace = refusingAbove(limit, 20, 100);
        assertThat(trace[3]).as("doubling while healthy").isGreaterThanOrEqualTo(16);
        for (int w = 50; w < 100; w++) {
            assertThat(trace[w]).as("window " + w).isBetween(17, 20);
        }
    }

    @Test
    void oneCutPerWindowHoweverManyRefusals() {
        AdaptiveLimit limit = new AdaptiveLimit(100, 0.5, 1.5, HOLD);
        for (int i = 0; i < 3; i++) {
            limit.sample(i * MS, 100, false, 4);
        }
        int before = limit.limit();
        for (int i = 0; i < 10; i++) {
            limit.sample((10 + i) * MS, 100, true, 4);
        }
        assertThat(limit.limit()).isEqualTo(Math.max(1, before / 2));
    }

    @Test
    void risingLatencyCutsTheLimit() {
        AdaptiveLimit limit = new AdaptiveLimit(100, 0.9, 1.5, HOLD);
        long now = 0;
        // latency 50 ms up to 10 in flight, then 5 ms more per extra call
        for (int w = 0; w < 200; w++) {
            int inFlight = limit.limit();
            double latency = 50 + 5 * Math.max(0, inFlight - 10);
            for (int i = 0; i < Math.max(4, inFlight); i++) {
                now += (long) (latency * MS / Math.max(4, inFlight));
                limit.sample(now, latency, false, inFlight);
            }
        }
        int settled = limit.limit();
        assertThat(50 + 5 * Math.max(0, settled - 10)).as("latency at the settled limit " + settled).isLessThan(100);
        assertThat(limit.baselineMs()).isBetween(49.0, 51.0);
    }

    @Test
    void anUpstreamThatBecameSlowerForGoodIsLearntWithinAnEpoch() {
        AdaptiveLimit limit = new AdaptiveLimit(100, 0.9, 1.5, HOLD);
        long now = 0;
        double base = 50;
        for (int w = 0; w < 2000; w++) {
            if (w == 300) {
                base = 150; // from now on three times slower, whatever the load
            }
            int inFlight = limit.limit();
            double latency = base + 5 * Math.max(0, inFlight - 10);
            for (int i = 0; i < Math.max(4, inFlight); i++) {
                now += (long) (latency * MS / Math.max(4, inFlight));
                limit.sample(now, latency, false, inFlight);
            }
        }
        assertThat(limit.baselineMs()).as("the new unloaded latency").isBetween(149.0, 151.0);
        assertThat(limit.limit()).as("not starved to 1 by a latency it cannot lower").isGreaterThan(5);
    }

    @Test
    void probesAgainAfterTheHold() {
        AdaptiveLimit limit = new AdaptiveLimit(100, 0.9, 1.5, 5_000 * MS);
        int[] trace = refusingAbove(limit, 20, 30);
        int held = trace[29];
        // no refusals any more: after the hold it grows past the old level again
        long now = 30 * 100 * MS;
        for (int w = 0; w < 100; w++) {
            int inFlight = limit.limit();
            for (int i = 0; i < inFlight; i++) {
                now += 100 * MS / inFlight;
                limit.sample(now, 100, false, inFlight);
            }
        }
        assertThat(limit.limit()).isGreaterThan(held + 5);
    }

    @Test
    void aLatencyRiseHoldsTheLimitBrieflyARefusalForTheWholeHold() {
        // latency doubles for three windows while the limit is still in slow start (the host was busy, not the
        // upstream); the upstream itself refuses only above 50
        AdaptiveLimit limit = new AdaptiveLimit(100, 0.9, 1.5, HOLD);
        long now = 0;
        int[] trace = new int[120];
        for (int w = 0; w < trace.length; w++) {
            int inFlight = limit.limit();
            double latency = w >= 3 && w < 6 ? 200 : 100;
            for (int i = 0; i < inFlight; i++) {
                now += (long) (latency * MS / inFlight);
                limit.sample(now, latency, i >= 50, inFlight);
            }
            trace[w] = limit.limit();
        }
        int cutTo = trace[6];
        assertThat(cutTo).as("the latency rise cut the limit").isLessThan(32);
        assertThat(trace[60]).as("grown past the level where only latency rose, within seconds").isGreaterThan(40);
        for (int w = 90; w < trace.length; w++) {
            assertThat(trace[w]).as("window " + w + ": held just below the refused level").isBetween(44, 50);
        }
    }

    @Test
    void aRefusalRightAfterALatencyCutStillHoldsForTheWholeHold() {
        AdaptiveLimit limit = new AdaptiveLimit(100, 0.9, 1.5, HOLD);
        long[] now = {0};
        // healthy windows at 100 ms: slow start takes it to 40 or more
        while (limit.limit() < 40) {
            window(limit, now, 100, Integer.MAX_VALUE);
        }
        // slow windows until latency alone cuts it
        int level = limit.limit();
        while (limit.limit() >= level) {
            level = limit.limit();
            window(limit, now, 200, Integer.MAX_VALUE);
        }
        // within the same window, the upstream refuses at that level
        now[0] += MS;
        limit.sample(now[0], 100, true, level);
        // from now on it refuses at that level and is otherwise healthy: long past the latency hold, the limit stays
        // below the level that was refused
        StringBuilder seen = new StringBuilder();
        int highest = 0;
        for (int w = 0; w < 100; w++) {
            window(limit, now, 100, level - 1);
            highest = Math.max(highest, limit.limit());
            seen.append(' ').append(limit.limit());
        }
        assertThat(highest).as("held below the refused level " + level + ":" + seen).isLessThan(level);
    }

    /** One window at the limit in force, every call of {@code latency} ms; calls from {@code refuseFrom} on are refused. */
    private static void window(AdaptiveLimit limit, long[] now, double latency, int refuseFrom) {
        int n = limit.limit();
        for (int i = 0; i < n; i++) {
            now[0] += (long) (latency * MS / n);
            limit.sample(now[0], latency, i >= refuseFrom, n);
        }
    }
}
