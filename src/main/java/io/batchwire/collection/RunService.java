package io.batchwire.collection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.api.ProblemException;
import io.batchwire.job.Job;
import io.batchwire.job.JobService;
import io.batchwire.job.JobState;
import io.batchwire.job.JobStore;
import io.batchwire.job.SubmitJobRequest;
import io.batchwire.result.RecordView;
import io.batchwire.result.ResultQuery;
import io.batchwire.result.ResultStore;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Runs of collections. A run is a job of type {@code http} whose records are the collection's requests, submitted
 * through {@link JobService}: same validation, plan limits, dispatch, retries, time limits, webhooks and events.
 * This service only chooses the records and reads the job back in the collection's terms.
 */
@ApplicationScoped
public class RunService {

    private final CollectionService collections;
    private final CollectionStore store;
    private final RunRepository runs;
    private final JobService jobs;
    private final JobStore jobStore;
    private final ResultStore results;
    private final ObjectMapper json;

    public RunService(CollectionService collections, CollectionStore store, RunRepository runs, JobService jobs,
                      JobStore jobStore, ResultStore results, ObjectMapper json) {
        this.collections = collections;
        this.store = store;
        this.runs = runs;
        this.jobs = jobs;
        this.jobStore = jobStore;
        this.results = results;
        this.json = json;
    }

    /**
     * A start's answer: the run, whether it replays an earlier request with the same key, and the headers of the job
     * submit's answer (the queued-record quota).
     */
    public record Started(RunView run, boolean replayed, Map<String, String> headers) {
    }

    /**
     * Starts a run of every request of the collection, or, with {@code only_failed_from}, of the requests that did not
     * succeed in that finished run. With an {@code Idempotency-Key} (scoped to the collection) a retry answers the
     * original run.
     */
    @WithSession
    public Uni<Started> start(UUID tenantId, UUID collectionId, StartRunRequest request, String idempotencyKey) {
        String onlyFailedFrom = request == null ? null : request.onlyFailedFrom();
        return collections.find(tenantId, collectionId)
                .chain(collection -> origin(tenantId, collectionId, onlyFailedFrom)
                        .chain(origin -> store.requests(collectionId, boxed(origin.requestIndexes()))
                                .chain(requests -> jobs.submit(tenantId, job(collection, requests, origin), idempotencyKey,
                                        collectionId, "collection-runs:" + collectionId, collection.requestTimeoutSeconds != null
                                                ? collection.requestTimeoutSeconds : collections.defaultRequestTimeout()))))
                .map(submitted -> new Started(RunView.of(submitted.status()), submitted.replayed(), submitted.headers()));
    }

    /** Which requests the new run holds. */
    private Uni<RunOrigin> origin(UUID tenantId, UUID collectionId, String onlyFailedFrom) {
        if (onlyFailedFrom == null) {
            return Uni.createFrom().item(RunOrigin.FULL);
        }
        UUID sourceId;
        try {
            sourceId = UUID.fromString(onlyFailedFrom);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(ProblemException.validation("only_failed_from", "'only_failed_from' must be a run id"));
        }
        return runs.findRun(tenantId, collectionId, sourceId)
                .onItem().ifNull().failWith(() -> ProblemException.validation("only_failed_from",
                        "run " + sourceId + " is not a run of collection " + collectionId))
                .chain(source -> {
                    if (!source.state.isFinal()) {
                        return Uni.createFrom().failure(new ProblemException(409, "run-in-progress", "Run in progress",
                                "run " + sourceId + " is still in progress; re-run its failures once it has finished",
                                "only_failed_from", null, Map.of("run_id", sourceId.toString()), Map.of()));
                    }
                    RunOrigin sourceOrigin = RunOrigin.parse(source.metadata);
                    return store.notSucceeded(sourceId).map(recordIndexes -> {
                        if (recordIndexes.isEmpty()) {
                            throw new ProblemException(409, "nothing-to-rerun", "Nothing to re-run",
                                    "every request of run " + sourceId + " succeeded", "only_failed_from", null,
                                    Map.of("run_id", sourceId.toString()), Map.of());
                        }
                        int[] indexes = recordIndexes.stream().mapToInt(sourceOrigin::requestIndex).sorted().toArray();
                        return new RunOrigin(sourceId, indexes);
                    });
                });
    }

    private SubmitJobRequest job(RequestCollection collection, List<CollectionStore.StoredRequest> requests, RunOrigin origin) {
        List<JsonNode> records = new ArrayList<>(requests.size());
        for (CollectionStore.StoredRequest r : requests) {
            ObjectNode record = json.createObjectNode();
            if (r.customId() != null) {
                record.put("custom_id", r.customId());
            }
            try {
                record.setAll((ObjectNode) json.readTree(r.request()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored request is not JSON", e);
            }
            records.add(record);
        }
        return new SubmitJobRequest(CollectionService.HTTP_TYPE, records, origin.toMetadata(), null,
                collection.webhookUrl, null, null);
    }

    private static Integer[] boxed(int[] indexes) {
        return indexes == null ? null : java.util.Arrays.stream(indexes).boxed().toArray(Integer[]::new);
    }

    /** The collection's run; 404 if there is none, 410 if retention removed it. */
    @WithSession
    public Uni<Job> find(UUID tenantId, UUID collectionId, UUID runId) {
        return collections.find(tenantId, collectionId)
                .chain(c -> runs.findRun(tenantId, collectionId, runId))
                .onItem().ifNull().switchTo(() -> jobStore.isExpired(tenantId, runId).map(expired -> {
                    if (expired) {
                        throw new ProblemException(410, "run-expired", "Run expired",
                                "run " + runId + " was removed after the retention of run metadata", null, null, null, Map.of());
                    }
                    throw ProblemException.notFound("run " + runId + " of collection " + collectionId);
                }));
    }

    @WithSession
    public Uni<RunView> get(UUID tenantId, UUID collectionId, UUID runId) {
        return find(tenantId, collectionId, runId).map(RunView::of);
    }

    /** The collection's runs, newest first, optionally only those in the given job states. */
    @WithSession
    public Uni<List<Job>> list(UUID tenantId, UUID collectionId, Set<JobState> states, OffsetDateTime beforeCreated,
                               UUID beforeId, int limit) {
        return collections.find(tenantId, collectionId)
                .chain(c -> runs.page(tenantId, collectionId, states, beforeCreated, beforeId, limit));
    }

    /** How many of the collection's runs are in the given job states (any when empty). */
    @WithSession
    public Uni<Long> count(UUID tenantId, UUID collectionId, Set<JobState> states) {
        return collections.find(tenantId, collectionId).chain(c -> runs.countRuns(tenantId, collectionId, states));
    }

    /** A listed request and the key the next page continues after. */
    public record Keyed(RecordView request, long key) {
    }

    /**
     * One page of the run's requests: the results paging of the run's job ({@link ResultStore}), without bodies, in
     * the collection's request indexes.
     */
    @WithSession
    public Uni<List<Keyed>> requests(UUID tenantId, UUID collectionId, ResultQuery query, Long after) {
        boolean bySeq = query.order() == ResultQuery.Order.COMPLETED_AT;
        return find(tenantId, collectionId, query.jobId()).chain(run -> {
            RunOrigin origin = RunOrigin.parse(run.metadata);
            String link = RunView.of(run).link();
            return results.page(query, after, CollectionStore.REQUEST_COLUMNS, row -> {
                CollectionStore.Outcome o = CollectionStore.outcome(row, false);
                int index = origin.requestIndex(o.recordIndex());
                return new Keyed(o.view(index, link + "/jobs/" + index + "/result"),
                        bySeq ? o.seq() : o.recordIndex());
            });
        });
    }

    /**
     * One request of the run with its response body, by the request's index in the collection or its custom_id.
     * 410 once the run's bodies are past their retention (the listing still has its metadata).
     */
    @WithSession
    public Uni<RecordView> result(UUID tenantId, UUID collectionId, UUID runId, String key) {
        return find(tenantId, collectionId, runId).chain(run -> {
            RunOrigin origin = RunOrigin.parse(run.metadata);
            Integer recordIndex = key.matches("\\d{1,9}") ? origin.recordIndex(Integer.parseInt(key)) : null;
            return store.request(runId, recordIndex, key)
                    .map(o -> {
                        if (o == null) {
                            throw ProblemException.notFound("request " + key + " of run " + runId);
                        }
                        if (run.bodiesPurgedAt != null) {
                            throw new ProblemException(410, "response-body-expired", "Response body expired",
                                    "the response body of request " + key + " of run " + runId + " was removed "
                                            + "after the run's body retention (it finished at " + run.finishedAt
                                            + "); its status, timings, url and custom_id are still listed at "
                                            + RunView.of(run).jobsLink(),
                                    null, null, Map.of("bodies_removed_at", run.bodiesPurgedAt.toString()), Map.of());
                        }
                        return o.view(origin.requestIndex(o.recordIndex()), null);
                    });
        });
    }
}
