package io.batchwire.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.api.NewestFirst;
import io.batchwire.api.Page;
import io.batchwire.api.ProblemException;
import com.fasterxml.jackson.databind.JsonNode;
import io.batchwire.idempotency.IdempotencyStore;
import io.batchwire.trace.Traces;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.batchwire.upstream.Upstream;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * Jobs, end to end: submit (validate, honour the idempotency key, store, hand to the pipeline), cancel, and the
 * reads of the API. Validation is {@link JobValidator}'s, status bodies are {@link JobViews}'s.
 */
@ApplicationScoped
public class JobService {

    private final JobValidator validator;
    private final JobStore store;
    private final JobRepository jobs;
    private final JobViews views;
    private final JobPipeline pipeline;
    private final IdempotencyStore idempotency;
    private final JobAdmission admission;
    private final MeterRegistry metrics;
    private final ObjectMapper json;
    private final Traces traces;

    public JobService(JobValidator validator, JobStore store, JobRepository jobs, JobViews views, JobPipeline pipeline,
                      IdempotencyStore idempotency, JobAdmission admission, MeterRegistry metrics, ObjectMapper json,
                      Traces traces) {
        this.traces = traces;
        this.validator = validator;
        this.store = store;
        this.jobs = jobs;
        this.views = views;
        this.pipeline = pipeline;
        this.idempotency = idempotency;
        this.admission = admission;
        this.metrics = metrics;
        this.json = json;
    }

    /**
     * Validates, stores the job, hands its chunks to the pipeline and answers without waiting for the broker: the
     * stored job is the outbox, so a send that fails (or a crash before it) is published again by the sweep.
     */
    public Uni<Submitted> submit(UUID tenantId, SubmitJobRequest request, String idempotencyKey) {
        return submit(tenantId, request, idempotencyKey, null, "jobs");
    }

    /**
     * Submits a job; {@code collectionId} makes it a run of that collection. {@code scope} separates idempotency
     * keys of different endpoints.
     */
    public Uni<Submitted> submit(UUID tenantId, SubmitJobRequest request, String idempotencyKey, UUID collectionId,
                                 String scope) {
        return submit(tenantId, request, idempotencyKey, collectionId, scope, null);
    }

    /** The same, each record with its own time limit over all its attempts (a collection run's; null: none). */
    public Uni<Submitted> submit(UUID tenantId, SubmitJobRequest request, String idempotencyKey, UUID collectionId,
                                 String scope, Integer recordTimeoutSeconds) {
        JobStore.NewJob job;
        byte[] hash;
        try {
            IdempotencyStore.check(idempotencyKey);
            // the request as sent (validate takes custom_id out of the records)
            hash = idempotencyKey == null ? null : IdempotencyStore.hash(canonical(request));
            job = validator.validate(tenantId, request, collectionId, recordTimeoutSeconds);
        } catch (ProblemException e) {
            return Uni.createFrom().failure(e);
        }
        return storeOnce(job, idempotencyKey, scope, hash);
    }

    /**
     * Stores the job unless {@code idempotencyKey} was used before: the same key with the same request ({@code hash})
     * answers the original job as it is now (nothing stored or charged again), with another request 422, while the
     * first is in flight 409.
     */
    private Uni<Submitted> storeOnce(JobStore.NewJob job, String idempotencyKey, String scope, byte[] hash) {
        if (idempotencyKey == null) {
            return store(job, null);
        }
        return idempotency.claim(job.tenantId(), scope, idempotencyKey, hash).chain(decision -> {
            if (decision.replayOf() != null) {
                // the original's commit may be visible and not yet on disk (JobStore#insert): a replay answers it as
                // stored, so it waits for the same flush
                return store.flushed().chain(() -> status(job.tenantId(), decision.replayOf()))
                        .map(status -> new Submitted(status, true, null));
            }
            return store(job, decision.claim())
                    .onFailure().call(t -> idempotency.release(decision.claim()));
        });
    }

    /**
     * Submits an export: the sync endpoint's {@code payload}, whose paginated answer from {@code upstream} becomes the
     * job's rows, downloadable in {@code format}. Admitted and started as any job (one record: the first page), charged
     * as its pages are stored. {@code Idempotency-Key} means what it means for jobs: the request is the upstream, the
     * format and the payload as sent ({@code result_url} included).
     */
    public Uni<Submitted> submitExport(UUID tenantId, Upstream upstream, JsonNode payload, ExportFormat format,
                                       String idempotencyKey) {
        JobStore.NewJob job;
        byte[] hash;
        try {
            IdempotencyStore.check(idempotencyKey);
            hash = idempotencyKey == null ? null : IdempotencyStore.hash(upstream.type() + "\n" + format.wire() + "\n"
                    + (payload == null ? "null" : payload.toString()));
            job = validator.validateExport(tenantId, upstream, payload, format);
        } catch (ProblemException e) {
            return Uni.createFrom().failure(e);
        }
        return storeOnce(job, idempotencyKey, EXPORT_SCOPE, hash);
    }

    /** The idempotency scope of export submits: their keys are apart from those of {@code POST /v1/jobs}. */
    static final String EXPORT_SCOPE = "exports";

    /**
     * A submit's answer: the job's status, whether it replays an earlier request with the same key, and the tenant's
     * queued-record quota after it (null on a replay).
     */
    public record Submitted(JobStatus status, boolean replayed, JobAdmission.Quota quota) {

        /** The {@code RateLimit-Policy} / {@code RateLimit} headers of the answer. */
        public Map<String, String> headers() {
            return quota == null ? Map.of() : quota.headers();
        }
    }

    /** Cancels an unfinished job: no new upstream calls; finished outcomes stay; the rest become cancelled. */
    public Uni<JobStatus> cancel(UUID tenantId, UUID jobId) {
        return store.endEarly(jobId, tenantId, JobStore.EarlyEnd.CANCEL, "cancelled", "the job was cancelled")
                .onItem().ifNull().failWith(() -> ProblemException.notFound("job " + jobId))
                .invoke(ended -> {
                    if (!ended.ended()) {
                        throw new ProblemException(409, "job-already-finished", "Job already finished",
                                "job " + jobId + " is already " + ended.before().wire() + " and cannot be cancelled",
                                null, null, Map.of("state", ended.before().wire()), Map.of());
                    }
                    pipeline.stop(jobId);
                })
                .chain(ended -> status(tenantId, jobId));
    }

    private String canonical(SubmitJobRequest request) {
        try {
            return json.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Uni<Submitted> store(JobStore.NewJob toStore, IdempotencyStore.Claim claim) {
        int records = toStore.indexes().length;
        // the job's trace starts here (under the HTTP request's span); the job keeps it (no-op with tracing off)
        Span span = traces.startHere("job submit", SpanKind.INTERNAL);
        if (span.getSpanContext().isValid()) {
            span.setAttribute("batchwire.job_id", toStore.id().toString()).setAttribute("batchwire.type", toStore.type());
        }
        JobStore.NewJob job = toStore.withTraceParent(Traces.traceparent(span));
        return store.insert(job, claim)
                .invoke(stored -> {
                    // the chunks go to the producer now; the answer does not wait for the broker (the outbox has the
                    // job). A queued job is published when it is promoted.
                    if (stored.state() == JobTransitions.INITIAL) {
                        pipeline.start(job.id(), job.tenantId(), job.type(), records, job.traceParent());
                    }
                    metrics.counter("batchwire.jobs.submitted", "type", job.type()).increment();
                    metrics.counter("batchwire.records.submitted", "type", job.type()).increment(records);
                })
                .chain(stored -> Uni.combine().all()
                        .unis(views.submitted(job, stored), admission.paced(job.tenantId(), records, stored.quota()))
                        .with((status, quota) -> new Submitted(status, false, quota)))
                .onTermination().invoke((done, failure, cancelled) -> {
                    if (failure != null) {
                        Traces.fail(span, failure.getMessage());
                    }
                    span.end();
                });
    }

    public Uni<JobStatus> status(UUID tenantId, UUID jobId) {
        return find(tenantId, jobId).chain(views::status);
    }

    /** A job's status by id alone, for internal senders (webhooks, events). */
    public Uni<JobStatus> statusById(UUID jobId) {
        return store.loadAny(jobId)
                .onItem().ifNull().failWith(() -> new IllegalStateException("job " + jobId + " is gone"))
                .chain(views::status);
    }

    /** The tenant's job; 404 if there is none, 410 if it was removed by retention. */
    public Uni<Job> find(UUID tenantId, UUID jobId) {
        return store.load(tenantId, jobId)
                .onItem().ifNull().switchTo(() -> store.isExpired(tenantId, jobId).map(expired -> {
                    throw missing(jobId, expired);
                }));
    }

    /**
     * Fails as {@link #find} does when the tenant has no such job, without loading it: for reads that need only its
     * existence (result pages), in plain SQL.
     */
    public Uni<Void> requireOwned(UUID tenantId, UUID jobId) {
        return store.presence(tenantId, jobId).map(presence -> {
            if (presence != JobStore.Presence.STORED) {
                throw missing(jobId, presence == JobStore.Presence.EXPIRED);
            }
            return null;
        });
    }

    /** The answer to a job the tenant does not have: 410 if retention removed it, else 404. */
    private static ProblemException missing(UUID jobId, boolean expired) {
        if (expired) {
            return new ProblemException(410, "job-expired", "Job expired",
                    "job " + jobId + " was removed after its plan's retention period", null, null, null, Map.of());
        }
        return ProblemException.notFound("job " + jobId);
    }

    /**
     * A page of the jobs {@code filter} selects, newest first, as status summaries (no result push state); the
     * cursor belongs to the filter.
     */
    public Uni<Page<JobStatus>> page(JobFilter filter, String cursor, int size) {
        return page(filter, cursor, size, (job, status) -> status);
    }

    /** As {@link #page(JobFilter, String, int)}, each item made from the job and its status summary. */
    @WithSession
    public <V> Uni<Page<V>> page(JobFilter filter, String cursor, int size, BiFunction<Job, JobStatus, V> view) {
        String query = filter.fingerprint();
        NewestFirst.After after = NewestFirst.after(cursor, query);
        OffsetDateTime now = OffsetDateTime.now();
        return jobs.page(filter, after.createdAt(), after.id(), size + 1)
                .chain(found -> views.summaries(found, now).map(statuses -> {
                    List<Map.Entry<Job, JobStatus>> pairs = new java.util.ArrayList<>(found.size());
                    for (int i = 0; i < found.size(); i++) {
                        pairs.add(Map.entry(found.get(i), statuses.get(i)));
                    }
                    return NewestFirst.page(pairs, size, query, e -> e.getKey().createdAt, e -> e.getKey().id,
                            e -> view.apply(e.getKey(), e.getValue()));
                }));
    }

    /** How many jobs the filter selects in each state, its own state left out. */
    @WithSession
    public Uni<Map<JobState, Long>> countByState(JobFilter filter) {
        return jobs.countByState(filter);
    }

    /** The status summaries of these jobs (of the tenant's, or any tenant's when it is null); missing ones are left out. */
    @WithSession
    public Uni<List<JobStatus>> summaries(UUID tenantId, List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        OffsetDateTime now = OffsetDateTime.now();
        return jobs.byIds(tenantId, ids).chain(found -> views.summaries(found, now));
    }

    /** Any tenant's job, for the operator; 404 if there is none. */
    public Uni<Job> findForOperator(UUID jobId) {
        return store.loadAny(jobId).onItem().ifNull().failWith(() -> ProblemException.notFound("job " + jobId));
    }
}
