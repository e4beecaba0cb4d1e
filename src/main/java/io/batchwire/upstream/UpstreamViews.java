package io.batchwire.upstream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What is known of every upstream: its cluster-wide limits and slices ({@code GET /admin/v1/upstreams}), and this
 * replica's call statistics from its metrics ({@link #stats}), which the operator console charts.
 */
@ApplicationScoped
public class UpstreamViews {

    private final UpstreamRegistry upstreams;
    private final ClusterLimits cluster;
    private final MeterRegistry metrics;

    public UpstreamViews(UpstreamRegistry upstreams, ClusterLimits cluster, MeterRegistry metrics) {
        this.upstreams = upstreams;
        this.cluster = cluster;
        this.metrics = metrics;
    }

    public Uni<List<UpstreamResource.UpstreamView>> list() {
        return Multi.createFrom().iterable(upstreams.all())
                .onItem().transformToUniAndConcatenate(u -> cluster.slices(u.type()).map(slices -> view(u, slices)))
                .collect().asList();
    }

    /**
     * This replica's counts since it started, for one upstream: records finished (every outcome), attempts answered
     * in all, of them 429s and 5xx, and the p50 / p99 of one attempt's round trip (recent attempts, as Micrometer's
     * decaying percentiles), in ms (null before any).
     */
    public record Stats(String type, long records, long answers, long tooMany, long serverErrors, Double p50Ms,
                        Double p99Ms) {
    }

    public List<Stats> stats() {
        return upstreams.all().stream().map(u -> stats(u.type())).toList();
    }

    private Stats stats(String type) {
        long records = 0;
        for (Timer t : metrics.find(UpstreamCaller.RECORD_DURATION).tag("upstream", type).timers()) {
            records += t.count();
        }
        Double p50 = null;
        Double p99 = null;
        Timer attempts = metrics.find(UpstreamCaller.ATTEMPT_DURATION).tag("upstream", type).timer();
        if (attempts != null && attempts.count() > 0) {
            for (ValueAtPercentile v : attempts.takeSnapshot().percentileValues()) {
                if (v.percentile() == 0.5) {
                    p50 = v.value(TimeUnit.MILLISECONDS);
                } else if (v.percentile() == 0.99) {
                    p99 = v.value(TimeUnit.MILLISECONDS);
                }
            }
        }
        long answers = 0;
        long tooMany = 0;
        long server = 0;
        for (Counter c : metrics.find(UpstreamCaller.ANSWERS).tag("upstream", type).counters()) {
            long n = (long) c.count();
            answers += n;
            String cls = c.getId().getTag("class");
            if ("429".equals(cls)) {
                tooMany += n;
            } else if ("5xx".equals(cls)) {
                server += n;
            }
        }
        return new Stats(type, records, answers, tooMany, server, p50, p99);
    }

    private static UpstreamResource.UpstreamView view(Upstream u, List<ClusterLimits.Slice> rows) {
        UpstreamLimits l = u.limits();
        List<ClusterLimits.Slice> slices = rows.stream().filter(s -> s.replica() != null).toList();
        int adaptive = slices.stream().mapToInt(s -> Math.min(s.granted(), s.adaptiveLimit() == null ? s.granted() : s.adaptiveLimit())).sum();
        int inFlight = slices.stream().mapToInt(ClusterLimits.Slice::inFlight).sum();
        int waiting = slices.stream().mapToInt(s -> Math.max(0, s.wanted() - s.inFlight())).sum();
        OffsetDateTime paused = rows.isEmpty() ? null : rows.getFirst().pausedUntil();
        OffsetDateTime last429 = rows.isEmpty() ? null : rows.getFirst().last429();
        UpstreamResource.Here here = new UpstreamResource.Here(l.slice(), l.concurrency().limit(), l.adaptiveLimit(),
                l.concurrency().inUse(), l.concurrency().waiting(), l.paused(), l.pauses(), l.overloads(), utc(l.last429()));
        return new UpstreamResource.UpstreamView(u.type(), u.config().kind().name().toLowerCase(Locale.ROOT),
                u.config().concurrency(), l.clusterRate(), u.config().adaptive(), adaptive, inFlight, waiting,
                paused != null && paused.isAfter(OffsetDateTime.now()) ? paused : null, last429, here, slices);
    }

    private static OffsetDateTime utc(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }
}
