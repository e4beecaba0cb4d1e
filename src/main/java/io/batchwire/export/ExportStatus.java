package io.batchwire.export;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.batchwire.job.JobState;
import io.batchwire.job.JobStatus;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * An export job as the Vainu-style async API shows it, on submit and on every poll of {@code link}: the same body.
 * {@code state} is {@code accepted} (stored or queued), {@code process} (pages being fetched), {@code completed} or
 * {@code failure} (an upstream error, a time limit, a cancel); {@code progress} is the rows fetched so far;
 * {@code duration} is in seconds; {@code link} and {@code download_link} are absolute. {@code download_link} is set
 * once the export has ended with rows: completed, or a failure that keeps the rows stored before it (the credits ran
 * out, a page failed, a cancel).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ExportStatus(
        String created,
        @JsonProperty("download_link") String downloadLink,
        String duration,
        String finished,
        String id,
        @JsonProperty("job_id") String jobId,
        String link,
        String owner,
        Long progress,
        String state,
        String error,
        @JsonProperty("error_msg") String errorMsg) {

    /** The poll link of an export job, under {@code base} (the service's absolute base URI). */
    public static String link(URI base, String id) {
        return base.resolve(ExportResource.RESULT_PATH + id + "/").toString();
    }

    static ExportStatus of(JobStatus job, String owner, URI base) {
        String state = state(job);
        OffsetDateTime end = job.finishedAt() != null ? job.finishedAt() : OffsetDateTime.now();
        double seconds = Duration.between(job.createdAt(), end).toMillis() / 1000.0;
        // a failure keeps the rows stored before it (say, when the credits ran out): they are downloadable too
        boolean rows = "completed".equals(state) || ("failure".equals(state) && job.rows() != null && job.rows() > 0);
        String download = rows && job.downloadLink() != null ? base.resolve(job.downloadLink()).toString() : null;
        String error = null;
        String message = null;
        if ("failure".equals(state)) {
            error = job.state() == JobState.CANCELLED ? "cancelled" : job.counts().timedOut() > 0 ? "timed_out" : "failed";
            message = job.error() != null ? job.error()
                    : job.counts().timedOut() > 0 ? "the export did not finish within its time limit" : "the export failed";
        }
        String id = job.id().toString();
        return new ExportStatus(time(job.createdAt()), download, String.format(Locale.ROOT, "%.2f", seconds),
                time(job.finishedAt()), id, id, link(base, id), owner,
                job.state() == JobState.ACCEPTED || job.state() == JobState.QUEUED ? null : job.rows(), state, error, message);
    }

    /** The job's state in the dialect's words; an export cut short by its time limit has failed, not completed. */
    static String state(JobStatus job) {
        return switch (job.state()) {
            case QUEUED, ACCEPTED -> "accepted";
            case PROCESSING -> "process";
            case COMPLETED -> job.counts().timedOut() > 0 || job.counts().failed() > 0 ? "failure" : "completed";
            case FAILED, CANCELLED -> "failure";
        };
    }

    private static String time(OffsetDateTime t) {
        return t == null ? null : DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t.withOffsetSameInstant(ZoneOffset.UTC));
    }
}
