package io.batchwire.job;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Builds job status bodies: the job's own fields, with the parts other features own ({@link StatusExtras}): a
 * fresh signed download link once the job has ended, and the state of its result push. A queued job's
 * {@code estimated_completion_seconds} includes its wait ({@link JobQueue#estimates}).
 */
@ApplicationScoped
public class JobViews {

    private final StatusExtras.DownloadLinks downloads;
    private final StatusExtras.ResultPushes pushes;
    private final JobQueue queue;

    public JobViews(StatusExtras.DownloadLinks downloads, StatusExtras.ResultPushes pushes, JobQueue queue) {
        this.downloads = downloads;
        this.pushes = pushes;
        this.queue = queue;
    }

    /** The full status body: with a fresh signed download link once the job has ended, and its result push's state. */
    public Uni<JobStatus> status(Job job) {
        Uni<JobStatus.Push> push = job.resultUrl == null ? Uni.createFrom().nullItem() : pushes.state(job.id);
        return Uni.combine().all().unis(push, waitEstimates(List.of(job)))
                .with((p, waits) -> JobStatus.of(job, OffsetDateTime.now(), downloadLink(job), p, waits.get(job.id)));
    }

    /**
     * Jobs in a list: status and download link, without the result push's state; the queued ones' estimates in one
     * round for the page.
     */
    public Uni<List<JobStatus>> summaries(List<Job> jobs, OffsetDateTime now) {
        return waitEstimates(jobs).map(waits -> jobs.stream()
                .map(j -> JobStatus.of(j, now, downloadLink(j), null, waits.get(j.id))).toList());
    }

    /** The answer to a submit: the job as just stored, before any work on it. */
    public Uni<JobStatus> submitted(JobStore.NewJob job, JobStore.Stored stored) {
        Job view = new Job();
        view.id = job.id();
        view.tenantId = job.tenantId();
        view.type = job.type();
        view.kind = job.kind();
        view.state = stored.state();
        view.totalRecords = job.indexes().length;
        view.metadata = job.metadataJson();
        view.timeoutSeconds = stored.timeoutSeconds();
        view.webhookUrl = job.webhookUrl();
        view.resultUrl = job.resultUrl();
        view.format = job.format();
        view.collectionId = job.collectionId();
        view.traceParent = job.traceParent();
        view.createdAt = stored.createdAt();
        view.creditsCharged = stored.creditsCharged();
        JobStatus.Push push = job.resultUrl() == null ? null : JobStatus.Push.WAITING;
        return waitEstimates(List.of(view))
                .map(waits -> JobStatus.of(view, stored.createdAt(), null, push, waits.get(view.id)));
    }

    private Uni<Map<UUID, Long>> waitEstimates(List<Job> jobs) {
        List<Job> queued = jobs.stream().filter(j -> j.state == JobTransitions.WAITING).toList();
        if (queued.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        // a tenant's list holds its own jobs; the operator's may hold several tenants': one round per tenant
        Map<UUID, List<Job>> byTenant = queued.stream().collect(Collectors.groupingBy(j -> j.tenantId));
        if (byTenant.size() == 1) {
            return queue.estimates(queued.getFirst().tenantId, queued);
        }
        return Multi.createFrom().iterable(byTenant.entrySet())
                .onItem().transformToUniAndConcatenate(e -> queue.estimates(e.getKey(), e.getValue()))
                .collect().in(() -> new HashMap<UUID, Long>(), Map::putAll)
                .map(m -> m);
    }

    private String downloadLink(Job job) {
        if (!job.state.isFinal() || job.bodiesPurgedAt != null) {
            return null;
        }
        return downloads.href(job);
    }
}
