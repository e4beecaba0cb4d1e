package io.batchwire.job;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;

/**
 * Builds job status bodies: the job's own fields, with the parts other features own ({@link StatusExtras}): a
 * fresh signed download link once the job has ended, and the state of its result push.
 */
@ApplicationScoped
public class JobViews {

    private final StatusExtras.DownloadLinks downloads;
    private final StatusExtras.ResultPushes pushes;

    public JobViews(StatusExtras.DownloadLinks downloads, StatusExtras.ResultPushes pushes) {
        this.downloads = downloads;
        this.pushes = pushes;
    }

    /** The full status body: with a fresh signed download link once the job has ended, and its result push's state. */
    public Uni<JobStatus> status(Job job) {
        Uni<JobStatus.Push> push = job.resultUrl == null ? Uni.createFrom().nullItem() : pushes.state(job.id);
        return push.map(p -> JobStatus.of(job, OffsetDateTime.now(), downloadLink(job), p));
    }

    /** A job in a list: status and download link, without the result push's state (one query per page, not per job). */
    public JobStatus summary(Job job, OffsetDateTime now) {
        return JobStatus.of(job, now, downloadLink(job), null);
    }

    /** The answer to a submit: the job as just stored, before any work on it. */
    public JobStatus accepted(JobStore.NewJob job, JobStore.Stored stored) {
        Job view = new Job();
        view.id = job.id();
        view.tenantId = job.tenantId();
        view.type = job.type();
        view.state = JobTransitions.INITIAL;
        view.totalRecords = job.indexes().length;
        view.metadata = job.metadataJson();
        view.timeoutSeconds = stored.timeoutSeconds();
        view.webhookUrl = job.webhookUrl();
        view.resultUrl = job.resultUrl();
        view.format = job.format();
        view.collectionId = job.collectionId();
        view.createdAt = stored.createdAt();
        return JobStatus.of(view, stored.createdAt(), null, job.resultUrl() == null ? null : JobStatus.Push.WAITING);
    }

    private String downloadLink(Job job) {
        if (!job.state.isFinal() || job.bodiesPurgedAt != null) {
            return null;
        }
        return downloads.href(job);
    }
}
