package io.batchwire.console;

import io.batchwire.api.ProblemException;
import io.batchwire.console.ConsoleViews.Live;
import io.batchwire.console.ConsoleViews.LiveJob;
import io.batchwire.console.ConsoleViews.LiveUpstream;
import io.batchwire.job.JobService;
import io.batchwire.upstream.UpstreamResource;
import io.batchwire.upstream.UpstreamViews;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The console's live updates: one stream per open page, ticking every {@code live-interval} on the request's own
 * Vert.x context (so every read is a reactive one, one after the other, never on a worker and never blocking). Each
 * tick reads the followed jobs' status summaries ({@link JobService#summaries}, the same the API shows) and, for the
 * upstreams page, {@link UpstreamViews}' figures, turned into rates since the previous tick. A stream of jobs ends
 * once every followed job has ended; any stream ends after {@code live-max-duration}; at most {@code live-max-streams}
 * run at once.
 */
@ApplicationScoped
public class ConsoleLive {

    private static final Duration MIN_INTERVAL = Duration.ofMillis(200);

    private final ConsoleConfig config;
    private final JobService jobs;
    private final UpstreamViews upstreams;
    private final AtomicInteger open = new AtomicInteger();

    public ConsoleLive(ConsoleConfig config, JobService jobs, UpstreamViews upstreams) {
        this.config = config;
        this.jobs = jobs;
        this.upstreams = upstreams;
    }

    Multi<Live> stream(UUID tenantScope, List<UUID> followed, boolean withUpstreams) {
        if (followed.isEmpty() && !withUpstreams) {
            return Multi.createFrom().empty();
        }
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("a live stream starts on a request's Vert.x context");
        }
        if (open.incrementAndGet() > config.liveMaxStreams()) {
            open.decrementAndGet();
            throw new ProblemException(503, "too-many-live-streams", "Too many live streams",
                    "this replica already serves " + config.liveMaxStreams() + " live console streams; reload later",
                    null, null, null, Map.of("Retry-After", "5"));
        }
        Duration every = config.liveInterval().compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : config.liveInterval();
        Rates rates = new Rates();
        AtomicBoolean last = new AtomicBoolean();
        return Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(every)
                .onOverflow().drop()
                .select().first(config.liveMaxDuration())
                .emitOn(task -> context.runOnContext(v -> task.run()))
                .onItem().transformToUniAndConcatenate(tick -> snapshot(tenantScope, followed, withUpstreams, rates))
                // a stream of jobs only: the update that shows them all ended is the last one
                .select().first(update -> !last.getAndSet(!withUpstreams && !update.jobs().isEmpty()
                        && update.jobs().stream().allMatch(LiveJob::done)))
                .onTermination().invoke(open::decrementAndGet);
    }

    private Uni<Live> snapshot(UUID tenantScope, List<UUID> followed, boolean withUpstreams, Rates rates) {
        Uni<List<LiveJob>> jobList = followed.isEmpty() ? Uni.createFrom().item(List.of())
                : jobs.summaries(tenantScope, followed).map(found -> found.stream().map(LiveJob::of).toList());
        Uni<List<LiveUpstream>> ups = withUpstreams ? upstreams.list().map(rates::of) : Uni.createFrom().item(List.of());
        return jobList.chain(j -> ups.map(u -> new Live(OffsetDateTime.now(ZoneOffset.UTC).toString(), j, u)));
    }

    /** What the previous tick of one stream saw, so each tick can say what happened since. */
    private final class Rates {
        private final Map<String, UpstreamViews.Stats> previous = new HashMap<>();
        private long previousAt;

        List<LiveUpstream> of(List<UpstreamResource.UpstreamView> views) {
            long now = System.nanoTime();
            double seconds = previousAt == 0 ? 0 : (now - previousAt) / 1e9;
            previousAt = now;
            Map<String, UpstreamViews.Stats> stats = new HashMap<>();
            upstreams.stats().forEach(s -> stats.put(s.type(), s));
            List<LiveUpstream> out = views.stream().map(v -> {
                UpstreamViews.Stats s = stats.get(v.type());
                UpstreamViews.Stats p = previous.get(v.type());
                long records = p == null ? 0 : s.records() - p.records();
                long answers = p == null ? 0 : s.answers() - p.answers();
                long tooMany = p == null ? 0 : s.tooMany() - p.tooMany();
                long server = p == null ? 0 : s.serverErrors() - p.serverErrors();
                return new LiveUpstream(v.type(), v.limit(), v.adaptiveLimit(), v.inFlight(), v.waiting(),
                        seconds == 0 ? 0 : Math.round(10 * records / seconds) / 10.0, s.p50Ms(), s.p99Ms(),
                        answers == 0 ? 0 : Math.round(1000.0 * tooMany / answers) / 10.0,
                        answers == 0 ? 0 : Math.round(1000.0 * server / answers) / 10.0);
            }).toList();
            previous.clear();
            previous.putAll(stats);
            return out;
        }
    }
}
