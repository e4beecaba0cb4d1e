package io.batchwire.dialect.apione;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.api.ProblemException;
import io.batchwire.api.PublicUrl;
import io.batchwire.dialect.Dialects;
import io.batchwire.dialect.StoredJson;
import io.batchwire.job.Job;
import io.batchwire.job.JobQueue;
import io.batchwire.job.JobService;
import io.batchwire.job.JobState;
import io.batchwire.job.JobStatus;
import io.batchwire.job.RecordState;
import io.batchwire.job.SubmitJobRequest;
import io.batchwire.result.ResultQuery;
import io.batchwire.result.ResultStore;
import io.batchwire.tenant.Plan;
import io.batchwire.tenant.TenantAdminService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * ApiOne's async jobs (seed 001) in the engine's terms: a submit is a job submitted through {@link JobService} (same
 * validation, plan limits, credits, dispatch), marked {@code "dialect": "apione"} in its metadata so its webhook
 * carries the results ({@link ApiOneWebhook}); status and results are the job's, renamed.
 */
@ApplicationScoped
public class ApiOneService {

    static final String DIALECT = "apione";

    private final JobService jobs;
    private final JobQueue queue;
    private final ResultStore results;
    private final TenantAdminService tenants;
    private final PublicUrl urls;
    private final ObjectMapper json;

    public ApiOneService(JobService jobs, JobQueue queue, ResultStore results, TenantAdminService tenants, PublicUrl urls,
                         ObjectMapper json) {
        this.jobs = jobs;
        this.queue = queue;
        this.results = results;
        this.tenants = tenants;
        this.urls = urls;
        this.json = json;
    }

    /** The submit's answer and the status link (for Location). */
    public record Submitted(ObjectNode body, String link) {
    }

    public Uni<Submitted> submit(UUID tenantId, EnrichRequest request, String idempotencyKey) {
        if (request == null) {
            return Uni.createFrom().failure(ProblemException.validation(null, "request body is required"));
        }
        ObjectNode metadata = json.createObjectNode().put(Dialects.METADATA_KEY, DIALECT);
        SubmitJobRequest job = new SubmitJobRequest(request.type(), request.records(), metadata, null,
                request.webhookUrl(), null, null);
        return jobs.submit(tenantId, job, idempotencyKey, null, "apione")
                .chain(submitted -> estimate(tenantId, submitted.status()).map(eta -> {
                    JobStatus s = submitted.status();
                    ObjectNode body = json.createObjectNode()
                            .put("status", "success")
                            .put("job_id", s.id().toString())
                            .put("estimated_completion_seconds", eta)
                            .put("total_records", s.totalRecords());
                    return new Submitted(body, statusPath(s.id()));
                }));
    }

    /** {@code GET /api/v1/async/status/{job_id}}. */
    public Uni<ObjectNode> status(UUID tenantId, UUID jobId) {
        return jobs.status(tenantId, jobId).chain(s -> estimate(tenantId, s).map(eta -> statusBody(s, eta)));
    }

    /** {@code GET /api/v1/async/results/{job_id}}: every record (a job holds at most 1,000), unpaged. */
    public Uni<ObjectNode> results(UUID tenantId, UUID jobId) {
        return jobs.status(tenantId, jobId).chain(s -> resultsBody(s));
    }

    /** The results body of a job, for the API and the webhook. */
    Uni<ObjectNode> resultsBody(JobStatus s) {
        ResultQuery q = new ResultQuery(s.id(), ResultQuery.Order.INDEX, Set.of(), null, s.totalRecords() + 1);
        return results.page(q, null, "idx, custom_id, status, status_code, input::text AS input, result::text AS result, "
                + "error::text AS error, seq", row -> record(row.getInteger("idx"), row.getString("custom_id"),
                RecordState.fromWire(row.getString("status")), row.getInteger("status_code"), row.getString("input"),
                row.getString("result"), row.getString("error")))
                .map(records -> {
                    ObjectNode body = json.createObjectNode()
                            .put("status", "success")
                            .put("job_id", s.id().toString())
                            .put("job_status", status(s.state()))
                            .put("total_records", s.totalRecords());
                    counts(body, s);
                    ArrayNode out = body.putArray("results");
                    records.forEach(out::add);
                    return body;
                });
    }

    /** ApiOne's plan table (records per job, concurrent jobs, retention) from the plans, and the caller's plan. */
    public Uni<ObjectNode> limits(String currentPlan) {
        return tenants.plans().map(plans -> {
            ObjectNode body = json.createObjectNode().put("current_plan", currentPlan);
            ArrayNode out = body.putArray("plans");
            for (Plan p : plans) {
                out.addObject()
                        .put("plan", p.name)
                        .put("max_records_per_job", p.maxRecordsPerJob)
                        .put("concurrent_jobs", p.maxConcurrentJobs)
                        .put("result_retention", retention(p.retentionSeconds))
                        .put("result_retention_seconds", p.retentionSeconds);
            }
            return body;
        });
    }

    static String retention(long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        if (seconds % 86400 == 0 && seconds >= 2 * 86400) {
            return d.toDays() + " days";
        }
        if (seconds % 3600 == 0) {
            return d.toHours() + " hours";
        }
        return seconds + " seconds";
    }

    ObjectNode statusBody(JobStatus s, long eta) {
        ObjectNode body = json.createObjectNode()
                .put("job_id", s.id().toString())
                .put("type", s.type())
                .put("status", status(s.state()))
                .put("total_records", s.totalRecords())
                .put("progress", s.progress());
        counts(body, s);
        body.put("estimated_completion_seconds", eta)
                .put("created_at", StoredJson.text(s.createdAt()))
                .put("started_at", StoredJson.text(s.startedAt()))
                .put("completed_at", StoredJson.text(s.finishedAt()))
                .put("error", s.error())
                .put("results_url", urls.absolute(resultsPath(s.id())));
        return body;
    }

    private static void counts(ObjectNode body, JobStatus s) {
        JobStatus.Counts c = s.counts();
        body.put("processed_records", s.totalRecords() - c.pending())
                .put("successful_records", c.succeeded())
                .put("failed_records", c.failed() + c.timedOut() + c.cancelled());
    }

    /**
     * An integer, never null: the job's own estimate when it has one (its rate so far, a queued job's wait, 0 once
     * ended), else the records ahead of it and its own at the tenant's measured drain rate (or, before anything was
     * measured, at the slowest its upstream allows), as {@link JobQueue#estimates} computes it.
     */
    private Uni<Long> estimate(UUID tenantId, JobStatus s) {
        if (s.estimatedCompletionSeconds() != null) {
            return Uni.createFrom().item(s.estimatedCompletionSeconds());
        }
        Job view = new Job();
        view.id = s.id();
        view.tenantId = tenantId;
        view.type = s.type();
        view.state = s.state();
        view.totalRecords = s.counts().pending();
        view.createdAt = s.createdAt();
        return queue.estimates(tenantId, List.of(view)).map(m -> m.getOrDefault(s.id(), 1L));
    }

    /** ApiOne's four job statuses: queued (waiting, or stored and not yet started), processing, completed, failed. */
    static String status(JobState state) {
        return switch (state) {
            case QUEUED, ACCEPTED -> "queued";
            case PROCESSING -> "processing";
            case COMPLETED -> "completed";
            case FAILED, CANCELLED -> "failed";
        };
    }

    private ObjectNode record(int index, String customId, RecordState state, Integer statusCode, String input,
                              String result, String error) {
        ObjectNode r = json.createObjectNode().put("index", index);
        if (customId != null) {
            r.put("custom_id", customId);
        }
        r.set("input", parse(input));
        r.put("status", switch (state) {
            case SUCCEEDED -> "success";
            case FAILED, TIMED_OUT -> "error";
            case CANCELLED -> "cancelled";
            case PENDING -> "pending";
        });
        r.put("status_code", statusCode);
        r.set("data", parse(result));
        r.set("error", parse(error));
        return r;
    }

    private JsonNode parse(String text) {
        return StoredJson.parse(json, text);
    }

    static String statusPath(UUID id) {
        return "/api/v1/async/status/" + id;
    }

    static String resultsPath(UUID id) {
        return "/api/v1/async/results/" + id;
    }
}
