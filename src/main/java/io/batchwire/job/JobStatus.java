package io.batchwire.job;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.batchwire.api.AbsoluteLink;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.trace.Traces;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

/** The job status body of {@code GET /v1/jobs/{id}}, also returned on submit. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record JobStatus(
        UUID id,
        String type,
        String kind,
        JobState state,
        OffsetDateTime createdAt,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,
        Long durationMs,
        int totalRecords,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long rows,
        @Schema(nullable = true, description = "Percent of records with an outcome; for an export, whose total is not known "
                + "before its last page, null while it runs (rows counts what it fetched so far) and 100 once it ended")
        Double progress,
        Counts counts,
        Long estimatedCompletionSeconds,
        long creditsCharged,
        long creditsRefunded,
        @JsonSerialize(using = AbsoluteLink.class) String link,
        @JsonSerialize(using = AbsoluteLink.class) String resultsLink,
        @JsonSerialize(using = AbsoluteLink.class) String downloadLink,
        String error,
        Integer timeoutSeconds,
        boolean resultsExpired,
        String format,
        String webhookUrl,
        String resultUrl,
        Push resultPush,
        UUID collectionId,
        @Schema(implementation = ObjectNode.class, description = "The metadata object given on submit")
        @JsonRawValue String metadata,
        @Schema(description = "The id of the job's OpenTelemetry trace (32 hex digits); only when tracing is on")
        @JsonInclude(JsonInclude.Include.NON_NULL) String traceId) {

    /** Where pushing the result file to {@code result_url} stands. */
    public record Push(String state, int attempts, Integer lastStatusCode, String lastError) {
        public static final Push WAITING = new Push("waiting", 0, null, null);
    }

    public record Counts(int succeeded, int failed, int timedOut, int cancelled, int pending) {
    }

    /**
     * The status of {@code job} at {@code now}; {@code waitEstimate} is the estimate of a queued job (its wait
     * included, from {@link JobQueue#estimates}), which its own progress cannot give.
     */
    public static JobStatus of(Job job, OffsetDateTime now, String downloadLink, Push push, Long waitEstimate) {
        int done = job.done();
        Long durationMs = job.startedAt == null ? null
                : Duration.between(job.startedAt, job.finishedAt != null ? job.finishedAt : now).toMillis();
        String link = "/v1/jobs/" + job.id;
        boolean export = job.isExport();
        return new JobStatus(job.id, job.type, job.kind == null ? Job.KIND_BATCH : job.kind, job.state, job.createdAt,
                job.startedAt, job.finishedAt, durationMs, job.totalRecords, export ? job.exportRows : null,
                // an export's pages are counted as they come, so no share of its total is known before it ends: its
                // progress is in rows (fetched so far), and its percent is null until it ends
                export ? (job.state.isFinal() ? 100.0 : null) : Double.valueOf(Math.round(1000.0 * done / job.totalRecords) / 10.0),
                new Counts(job.succeeded, job.failed, job.timedOut, job.cancelled, job.totalRecords - done),
                job.state == JobTransitions.WAITING ? waitEstimate : estimate(job, done, now), job.creditsCharged,
                job.creditsRefunded, link, link + "/results", downloadLink, job.error, job.timeoutSeconds,
                job.bodiesPurgedAt != null, job.format, job.webhookUrl, job.resultUrl, push, job.collectionId, job.metadata,
                Traces.traceId(job.traceParent));
    }

    /** Remaining records at the job's own rate so far; 0 once final, null before there is a rate. */
    static Long estimate(Job job, int done, OffsetDateTime now) {
        if (job.state.isFinal()) {
            return 0L;
        }
        if (job.startedAt == null || done == 0 || job.isExport()) {
            return null;
        }
        double elapsed = Math.max(1, Duration.between(job.startedAt, now).toMillis()) / 1000.0;
        double perSecond = done / elapsed;
        return (long) Math.ceil((job.totalRecords - done) / perSecond);
    }
}
