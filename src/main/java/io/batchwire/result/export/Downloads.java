package io.batchwire.result.export;

import io.batchwire.job.ExportFormat;
import io.batchwire.job.Job;
import io.batchwire.job.JobService;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.UUID;

/** Opens a job's results file for download, by API key (the tenant's own job) or by signed link. */
@ApplicationScoped
public class Downloads {

    private final JobService jobs;
    private final DownloadTokens tokens;
    private final Exporter exporter;
    private final MeterRegistry metrics;

    public Downloads(JobService jobs, DownloadTokens tokens, Exporter exporter, MeterRegistry metrics) {
        this.jobs = jobs;
        this.tokens = tokens;
        this.exporter = exporter;
        this.metrics = metrics;
    }

    /** Another tenant's job, or none, fails with 404. */
    public Uni<Download> forJob(UUID tenantId, UUID jobId, ExportFormat format) {
        return jobs.find(tenantId, jobId).map(job -> open(job, format, "api"));
    }

    /** A tampered token fails with 403, an expired one with 410, one whose job is gone with 404. */
    public Uni<Download> byLink(String token) {
        return Uni.createFrom().item(() -> tokens.verify(token, Instant.now()))
                .chain(grant -> jobs.find(grant.tenantId(), grant.jobId()).map(job -> open(job, grant.format(), "link")));
    }

    private Download open(Job job, ExportFormat format, String via) {
        metrics.counter("batchwire.downloads", "format", format.wire(), "via", via).increment();
        return new Download(job.id, format, exporter.stream(job.id, format));
    }
}
