package io.batchwire.collection;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.batchwire.api.AbsoluteLink;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.batchwire.job.Job;
import io.batchwire.job.JobStatus;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A run of a collection: its job seen through the collection. {@code total_requests} is always
 * {@code success + failed + timeout + cancelled + pending}; on a completed run {@code cancelled} and {@code pending}
 * are 0, so {@code total = success + failed + timeout}. A cancelled run counts the requests it never made as
 * cancelled.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RunView(
        UUID runId,
        UUID collectionId,
        RunStatus status,
        int totalRequests,
        int successRequests,
        int failedRequests,
        int timeoutRequests,
        int cancelledRequests,
        int pendingRequests,
        OffsetDateTime createdAt,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,
        UUID rerunOf,
        boolean resultsExpired,
        @JsonSerialize(using = AbsoluteLink.class) String link,
        @JsonSerialize(using = AbsoluteLink.class) String jobsLink,
        @JsonSerialize(using = AbsoluteLink.class) String jobLink) {

    public static RunView of(Job job) {
        return of(job.id, job.collectionId, RunStatus.of(job.state), job.totalRecords, job.succeeded, job.failed,
                job.timedOut, job.cancelled, job.createdAt, job.startedAt, job.finishedAt, job.metadata,
                job.bodiesPurgedAt != null);
    }

    public static RunView of(JobStatus s) {
        JobStatus.Counts c = s.counts();
        return of(s.id(), s.collectionId(), RunStatus.of(s.state()), s.totalRecords(), c.succeeded(), c.failed(),
                c.timedOut(), c.cancelled(), s.createdAt(), s.startedAt(), s.finishedAt(), s.metadata(), s.resultsExpired());
    }

    private static RunView of(UUID id, UUID collectionId, RunStatus status, int total, int succeeded, int failed,
                              int timedOut, int cancelled, OffsetDateTime created, OffsetDateTime started,
                              OffsetDateTime finished, String metadata, boolean expired) {
        String link = "/v1/collections/" + collectionId + "/runs/" + id;
        return new RunView(id, collectionId, status, total, succeeded, failed, timedOut, cancelled,
                total - succeeded - failed - timedOut - cancelled, created, started, finished,
                RunOrigin.parse(metadata).rerunOf(), expired, link, link + "/jobs", "/v1/jobs/" + id);
    }
}
