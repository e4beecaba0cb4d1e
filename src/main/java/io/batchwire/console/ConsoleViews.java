package io.batchwire.console;

import io.batchwire.delivery.DeliveryKind;
import io.batchwire.delivery.DeliveryStore;
import io.batchwire.delivery.DeliveryView;
import io.batchwire.job.JobStatus;
import io.batchwire.result.RecordView;
import io.quarkus.qute.TemplateData;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the console's pages show, already formatted (the templates only lay it out): each page is a record with the
 * {@link Frame} every page shares. Built from the services' own views (job status, records, deliveries, upstreams).
 */
final class ConsoleViews {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'");
    static final String NONE = "—";

    private ConsoleViews() {
    }

    /** Shared by every page: the active tab, who is logged in, whether they may act, the CSRF token of the forms. */
    @TemplateData
    record Frame(String nav, String who, boolean admin, String csrf, String notice) {
    }

    @TemplateData
    record Login(String error, String token) {
    }

    @TemplateData
    record Option(String value, String label, boolean selected) {
    }

    @TemplateData
    record StateCount(String state, long count, String href, boolean current) {
    }

    @TemplateData
    record JobRow(String id, String shortId, String tenant, String type, String kind, String state, boolean done, double progress,
                  String progressText, int total, int succeeded, int failed, int timedOut, int cancelled, int pending,
                  String created, String duration) {

        static JobRow of(JobStatus s, String tenant) {
            JobStatus.Counts c = s.counts();
            return new JobRow(s.id().toString(), s.id().toString().substring(0, 8), tenant, s.type(), s.kind(), s.state().wire(), s.state().isFinal(),
                    s.progress(), percent(s.progress()), s.totalRecords(), c.succeeded(), c.failed(), c.timedOut(),
                    c.cancelled(), c.pending(), time(s.createdAt()), s.durationMs() == null ? NONE : millis(s.durationMs()));
        }
    }

    @TemplateData
    record JobsPage(Frame frame, List<Option> tenants, List<Option> states, List<Option> types, String from, String to,
                    List<StateCount> counts, long total, List<JobRow> rows, String nextHref, String liveIds) {
    }

    @TemplateData
    record Step(String label, String at, boolean reached) {
    }

    @TemplateData
    record ResultRow(int index, String customId, String status, String statusCode, int attempts, String duration,
                     String completed, String body) {

        static ResultRow of(RecordView r) {
            String body = r.result() != null ? r.result() : r.error();
            return new ResultRow(r.index(), r.customId() == null ? "" : r.customId(), r.status(),
                    r.statusCode() == null ? NONE : r.statusCode().toString(), r.attempts(),
                    r.durationMs() == null ? NONE : millis(r.durationMs()), time(r.completedAt()), clip(body, 160));
        }
    }

    @TemplateData
    record Download(String format, String label, String href) {
    }

    @TemplateData
    record AttemptRow(int attempt, String at, String status, String latency, String error) {
    }

    @TemplateData
    record DeliveryRow(String id, String jobId, String jobShort, String kind, String event, String url, String state, int attempts,
                       int maxAttempts, String lastStatus, String lastError, String created, boolean redeliverable,
                       List<AttemptRow> log) {

        static DeliveryRow of(UUID jobId, DeliveryView d) {
            return new DeliveryRow(d.id().toString(), jobId.toString(), jobId.toString().substring(0, 8), d.kind(), d.eventType(),
                    d.url() == null ? NONE : d.url(), d.state(), d.attempts(), d.maxAttempts(),
                    d.lastStatusCode() == null ? NONE : d.lastStatusCode().toString(),
                    d.lastError() == null ? "" : clip(d.lastError(), 200), time(d.createdAt()),
                    !d.kind().equals(DeliveryKind.EVENT.wire()),
                    d.attemptLog().stream().map(a -> new AttemptRow(a.attempt(), time(a.startedAt()),
                            a.statusCode() == null ? NONE : a.statusCode().toString(),
                            a.latencyMs() == null ? NONE : millis(a.latencyMs()),
                            a.error() == null ? "" : clip(a.error(), 200))).toList());
        }

        static List<DeliveryRow> of(List<DeliveryStore.JobDelivery> found) {
            return found.stream().map(d -> of(d.jobId(), d.delivery())).toList();
        }
    }

    @TemplateData
    record JobPage(Frame frame, JobRow job, String tenantId, List<Step> timeline, String error, String webhookUrl,
                   String credits, boolean cancellable, List<Download> downloads, String downloadsNote,
                   List<Option> statuses, List<ResultRow> results, String nextHref, String firstHref,
                   List<DeliveryRow> deliveries) {
    }

    @TemplateData
    record UpstreamRow(String type, String kind, int limit, boolean adaptive, int adaptiveLimit, int inFlight,
                       int waiting, long records, String p50, String p99, String share429, String share5xx,
                       String paused, String last429) {
    }

    @TemplateData
    record UpstreamsPage(Frame frame, List<UpstreamRow> rows) {
    }

    @TemplateData
    record DeliveriesPage(Frame frame, List<Option> kinds, List<DeliveryRow> rows) {
    }

    @TemplateData
    record TenantRow(String id, String name, String plan, long runningJobs, int maxConcurrentJobs, double jobsUse,
                     long waitingJobs, long openRecords, int maxQueuedRecords, double recordsUse, boolean metered,
                     long balance, String created) {
    }

    @TemplateData
    record PlanRow(String name, int maxRecordsPerJob, int maxConcurrentJobs, int maxQueuedRecords, String retention,
                   String defaultTimeout, int weight, boolean metered, long tenants) {
    }

    @TemplateData
    record TenantsPage(Frame frame, List<TenantRow> tenants, List<PlanRow> plans) {
    }

    @TemplateData
    record DeadLetterRow(long id, String received, String reason, String cause, String origin, String key, int bytes,
                         int replays, String replayed, boolean replayable) {

        static DeadLetterRow of(io.batchwire.messaging.DeadLetterStore.Stored d) {
            String origin = d.originTopic() == null ? NONE : d.originTopic()
                    + (d.originPartition() == null ? "" : "-" + d.originPartition())
                    + (d.originOffset() == null ? "" : "@" + d.originOffset());
            return new DeadLetterRow(d.id(), time(d.receivedAt()), d.reason(), clip(d.cause(), 300), origin,
                    d.key() == null ? NONE : d.key(), d.payloadBytes(), d.replays(), time(d.replayedAt()), d.replayable());
        }
    }

    @TemplateData
    record DeadLettersPage(Frame frame, List<DeadLetterRow> rows, String nextHref) {
    }

    @TemplateData
    record DeadLetterPage(Frame frame, DeadLetterRow letter, String cause, String payload, boolean binary,
                          boolean clipped) {
    }

    /** One live update: the followed jobs' progress and, on the upstreams page, every upstream's figures. */
    record Live(String at, List<LiveJob> jobs, List<LiveUpstream> upstreams) {
    }

    record LiveJob(UUID id, String state, boolean done, double progress, String progressText, int succeeded, int failed,
                   int timedOut, int cancelled, int pending) {

        static LiveJob of(JobStatus s) {
            JobStatus.Counts c = s.counts();
            return new LiveJob(s.id(), s.state().wire(), s.state().isFinal(), s.progress(), percent(s.progress()),
                    c.succeeded(), c.failed(), c.timedOut(), c.cancelled(), c.pending());
        }
    }

    /** Rates over the last interval, on this replica; latency percentiles of recent calls. */
    record LiveUpstream(String type, int limit, int adaptiveLimit, int inFlight, int waiting, double recordsPerSecond,
                        Double p50Ms, Double p99Ms, double share429, double share5xx) {
    }

    static String time(OffsetDateTime t) {
        return t == null ? NONE : TIME.format(t.withOffsetSameInstant(ZoneOffset.UTC));
    }

    static String percent(double p) {
        return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + " %";
    }

    static String share(long part, long all) {
        return all == 0 ? NONE : String.format(java.util.Locale.ROOT, "%.1f %%", 100.0 * part / all);
    }

    static String millis(long ms) {
        return ms < 10_000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    static String millis(Double ms) {
        return ms == null ? NONE : String.format(java.util.Locale.ROOT, "%.0f ms", ms);
    }

    static String clip(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    static <T> List<Option> options(List<T> values, java.util.function.Function<T, String> value,
                                    java.util.function.Function<T, String> label, String selected) {
        return values.stream().map(v -> new Option(value.apply(v), label.apply(v), value.apply(v).equals(selected))).toList();
    }

    static Map<String, String> noticeTexts() {
        return Map.of("cancelled", "The job was cancelled.",
                "already-finished", "The job had already finished; nothing was cancelled.",
                "redelivered", "The delivery is scheduled once more.",
                "not-redelivered", "That delivery is being sent right now (or cannot be sent again); nothing changed.",
                "replayed", "The message was sent back to its topic.",
                "not-replayed", "That dead letter's origin is unknown (or it is gone); nothing was sent.");
    }
}
