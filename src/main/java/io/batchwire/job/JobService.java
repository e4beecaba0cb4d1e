package io.batchwire.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.api.Problem.FieldError;
import io.batchwire.api.Ids;
import io.batchwire.api.JsonLimits;
import io.batchwire.api.ProblemException;
import io.batchwire.dispatch.JobPublisher;
import io.batchwire.dispatch.JobStopWatch;
import io.batchwire.delivery.DeliveryStore;
import io.batchwire.delivery.OutboundPolicy;
import io.batchwire.result.export.DownloadLinks;
import io.batchwire.result.export.ExportFormat;
import io.batchwire.idempotency.IdempotencyStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.upstream.Upstream;
import io.batchwire.upstream.UpstreamRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@ApplicationScoped
public class JobService {

    private final JobStore store;
    private final JobRepository jobs;
    private final JobPublisher publisher;
    private final UpstreamRegistry upstreams;
    private final JobLimitsConfig limits;
    private final MeterRegistry metrics;
    private final IdempotencyStore idempotency;
    private final JobStopWatch stops;
    private final ObjectMapper json;
    private final OutboundPolicy outbound;
    private final DownloadLinks downloads;
    private final DeliveryStore deliveries;

    public JobService(JobStore store, JobRepository jobs, JobPublisher publisher, UpstreamRegistry upstreams,
                      JobLimitsConfig limits, MeterRegistry metrics, IdempotencyStore idempotency, JobStopWatch stops,
                      ObjectMapper json, OutboundPolicy outbound, DownloadLinks downloads, DeliveryStore deliveries) {
        this.outbound = outbound;
        this.downloads = downloads;
        this.deliveries = deliveries;
        this.idempotency = idempotency;
        this.stops = stops;
        this.json = json;
        this.store = store;
        this.jobs = jobs;
        this.publisher = publisher;
        this.upstreams = upstreams;
        this.limits = limits;
        this.metrics = metrics;
    }

    /**
     * Validates, stores the job as {@code accepted}, hands its chunks to the Kafka producer and answers without
     * waiting for the broker: the stored job is the outbox, so a send that fails (or a crash before it) is published
     * again by the sweep.
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
        JobStore.NewJob job;
        byte[] hash;
        try {
            IdempotencyStore.check(idempotencyKey);
            // the request as sent (validate takes custom_id out of the records)
            hash = idempotencyKey == null ? null : IdempotencyStore.hash(canonical(request));
            job = validate(tenantId, request, collectionId);
        } catch (ProblemException e) {
            return Uni.createFrom().failure(e);
        }
        if (idempotencyKey == null) {
            return store(job, null).map(status -> new Submitted(status, false));
        }
        return idempotency.claim(tenantId, scope, idempotencyKey, hash).chain(decision -> {
            if (decision.replayOf() != null) {
                return status(tenantId, decision.replayOf()).map(status -> new Submitted(status, true));
            }
            return store(job, decision.claim())
                    .onFailure().call(t -> idempotency.release(decision.claim()))
                    .map(status -> new Submitted(status, false));
        });
    }

    /** A submit's answer: the job's status, and whether it replays an earlier request with the same key. */
    public record Submitted(JobStatus status, boolean replayed) {
    }

    /** Cancels an unfinished job: no new upstream calls; finished outcomes stay; the rest become cancelled. */
    public Uni<JobStatus> cancel(UUID tenantId, UUID jobId) {
        return store.endEarly(jobId, tenantId, JobStore.EarlyEnd.CANCEL, "cancelled", "the job was cancelled")
                .onItem().ifNull().failWith(() -> ProblemException.notFound("job " + jobId))
                .invoke(ended -> {
                    if (!ended.ended()) {
                        throw new ProblemException(409, "job-already-finished", "Job already finished",
                                "job " + jobId + " is already " + ended.before().wire() + " and cannot be cancelled",
                                null, null, java.util.Map.of("state", ended.before().wire()), java.util.Map.of());
                    }
                    stops.stopNow(jobId);
                })
                .chain(ended -> status(tenantId, jobId));
    }

    private String canonical(SubmitJobRequest request) {
        try {
            return json.writeValueAsString(request);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Uni<JobStatus> store(JobStore.NewJob job, IdempotencyStore.Claim claim) {
        UUID tenantId = job.tenantId();
        return store.insert(job, claim)
                // the chunks go to the producer now; the answer does not wait for the broker (the outbox has the job)
                .invoke(stored -> publisher.publishDetached(job.id(), tenantId, job.type(), job.indexes().length))
                .map(stored -> {
                    OffsetDateTime created = stored.createdAt();
                    metrics.counter("batchwire.jobs.submitted", "type", job.type()).increment();
                    metrics.counter("batchwire.records.submitted", "type", job.type()).increment(job.indexes().length);
                    Job view = new Job();
                    view.id = job.id();
                    view.tenantId = tenantId;
                    view.type = job.type();
                    view.state = JobState.ACCEPTED;
                    view.totalRecords = job.indexes().length;
                    view.metadata = job.metadataJson();
                    view.timeoutSeconds = stored.timeoutSeconds();
                    view.webhookUrl = job.webhookUrl();
                    view.resultUrl = job.resultUrl();
                    view.format = job.format();
                    view.collectionId = job.collectionId();
                    view.createdAt = created;
                    return JobStatus.of(view, created, null, job.resultUrl() == null ? null : JobStatus.Push.WAITING);
                });
    }

    public Uni<JobStatus> status(UUID tenantId, UUID jobId) {
        return find(tenantId, jobId).chain(this::status);
    }

    /** A job's status by id alone, for internal senders (webhooks, events). */
    @WithSession
    public Uni<JobStatus> statusById(UUID jobId) {
        return jobs.findById(jobId)
                .onItem().ifNull().failWith(() -> new IllegalStateException("job " + jobId + " is gone"))
                .chain(this::status);
    }

    /** The status body of a job: with a fresh signed download link once it has ended, and its result push's state. */
    public Uni<JobStatus> status(Job job) {
        Uni<JobStatus.Push> push = job.resultUrl == null ? Uni.createFrom().nullItem() : deliveries.pushState(job.id);
        return push.map(p -> JobStatus.of(job, OffsetDateTime.now(), downloadLink(job), p));
    }

    /** A job in a list: status and download link, without the result push's state (one query per page, not per job). */
    public JobStatus summary(Job job, OffsetDateTime now) {
        return JobStatus.of(job, now, downloadLink(job), null);
    }

    private String downloadLink(Job job) {
        if (!job.state.isFinal() || job.bodiesPurgedAt != null) {
            return null;
        }
        return downloads.linkFor(job, ExportFormat.parse(job.format)).href();
    }

    /** The tenant's job; 404 if there is none, 410 if it was removed by retention. */
    @WithSession
    public Uni<Job> find(UUID tenantId, UUID jobId) {
        return jobs.findForTenant(tenantId, jobId)
                .onItem().ifNull().switchTo(() -> store.isExpired(tenantId, jobId).map(expired -> {
                    if (expired) {
                        throw new ProblemException(410, "job-expired", "Job expired",
                                "job " + jobId + " was removed after its plan's retention period", null, null, null, java.util.Map.of());
                    }
                    throw ProblemException.notFound("job " + jobId);
                }));
    }

    @WithSession
    public Uni<List<Job>> list(UUID tenantId, JobState state, OffsetDateTime beforeCreated, UUID beforeId, int limit) {
        return jobs.page(tenantId, state, beforeCreated, beforeId, limit);
    }

    JobStore.NewJob validate(UUID tenantId, SubmitJobRequest request, UUID collectionId) {
        if (request == null) {
            throw ProblemException.validation(null, "request body is required");
        }
        if (request.type() == null || request.type().isBlank()) {
            throw ProblemException.validation("type", "'type' is required; one of " + upstreams.types());
        }
        Upstream upstream = upstreams.find(request.type()).orElseThrow(() -> ProblemException.validation("type",
                "unknown type '" + request.type() + "'; one of " + upstreams.types()));
        List<JsonNode> records = request.records();
        if (records == null || records.isEmpty()) {
            throw ProblemException.validation("records", "'records' must hold at least one record");
        }
        if (records.size() > limits.maxRecords()) {
            throw new ProblemException(413, "too-many-records", "Too many records",
                    "a job holds at most " + limits.maxRecords() + " records; this one has " + records.size(),
                    "records", null, Map.of("limit", limits.maxRecords(), "records", records.size()), Map.of());
        }
        Integer timeout = request.timeoutSeconds();
        if (timeout != null && (timeout < 1 || timeout > limits.maxTimeoutSeconds())) {
            throw ProblemException.validation("timeout_seconds",
                    "'timeout_seconds' must be from 1 to " + limits.maxTimeoutSeconds());
        }
        String webhookUrl = outbound.checkGiven(request.webhookUrl(), "webhook_url");
        String resultUrl = outbound.checkGiven(request.resultUrl(), "result_url");
        ExportFormat format = request.format() == null ? ExportFormat.DEFAULT : ExportFormat.parse(request.format());
        String metadata = null;
        if (request.metadata() != null) {
            List<FieldError> bad = new ArrayList<>();
            JsonLimits.checkStorable(request.metadata(), "metadata", bad);
            if (!bad.isEmpty()) {
                throw ProblemException.validation(bad);
            }
            metadata = request.metadata().toString();
            if (metadata.length() > limits.maxMetadataBytes()) {
                throw ProblemException.validation("metadata", "'metadata' is larger than " + limits.maxMetadataBytes() + " bytes");
            }
        }
        int n = records.size();
        Integer[] indexes = new Integer[n];
        String[] customIds = new String[n];
        String[] inputs = new String[n];
        List<FieldError> errors = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < n && errors.size() < limits.maxReportedErrors(); i++) {
            String at = "records[" + i + "]";
            JsonNode record = records.get(i);
            indexes[i] = i;
            if (record == null || !record.isObject()) {
                errors.add(new FieldError(at, "a record must be a JSON object"));
                continue;
            }
            // the request is ours alone: its records are changed in place, not copied
            ObjectNode input = (ObjectNode) record;
            JsonNode customId = input.remove("custom_id");
            if (customId != null && !customId.isNull()) {
                JsonLimits.checkStorable(customId, at + ".custom_id", errors);
                if (!customId.isTextual() || customId.asText().isEmpty() || customId.asText().length() > limits.maxCustomIdLength()) {
                    errors.add(new FieldError(at + ".custom_id",
                            "'custom_id' must be a string of 1 to " + limits.maxCustomIdLength() + " characters"));
                } else {
                    Integer first = seen.putIfAbsent(customId.asText(), i);
                    if (first != null) {
                        errors.add(new FieldError(at + ".custom_id", "custom_id '" + customId.asText()
                                + "' is already used by records[" + first + "]; custom_id must be unique in the job"));
                    }
                    customIds[i] = customId.asText();
                }
            }
            JsonLimits.checkStorable(input, at, errors);
            upstream.validate(input, at, errors);
            inputs[i] = input.toString();
            if (inputs[i].length() > limits.maxRecordBytes()) {
                errors.add(new FieldError(at, "a record is at most " + limits.maxRecordBytes() + " bytes"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        return new JobStore.NewJob(Ids.uuid7(), tenantId, upstream.type(), metadata, timeout, webhookUrl, resultUrl,
                format.wire(), collectionId, indexes, customIds, inputs);
    }
}
