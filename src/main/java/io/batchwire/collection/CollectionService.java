package io.batchwire.collection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.batchwire.api.Ids;
import io.batchwire.api.JsonLimits;
import io.batchwire.api.Problem.FieldError;
import io.batchwire.api.ProblemException;
import io.batchwire.idempotency.IdempotencyStore;
import io.batchwire.job.JobLimitsConfig;
import io.batchwire.job.JobValidator;
import io.batchwire.outbound.OutboundPolicy;
import io.batchwire.upstream.Upstream;
import io.batchwire.upstream.UpstreamRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Collections: saved sets of http requests. A collection is checked against the same rules as a job of type
 * {@code http} (each request is one of its records), so every run of it is a valid job.
 */
@ApplicationScoped
public class CollectionService {

    static final String HTTP_TYPE = "http";
    private static final String SCOPE = "collections";

    private final CollectionRepository collections;
    private final CollectionStore store;
    private final IdempotencyStore idempotency;
    private final UpstreamRegistry upstreams;
    private final JobLimitsConfig limits;
    private final JobValidator records;
    private final CollectionsConfig config;
    private final OutboundPolicy outbound;
    private final ObjectMapper json;

    public CollectionService(CollectionRepository collections, CollectionStore store, IdempotencyStore idempotency,
                             UpstreamRegistry upstreams, JobLimitsConfig limits, JobValidator records, CollectionsConfig config,
                             OutboundPolicy outbound, ObjectMapper json) {
        this.collections = collections;
        this.store = store;
        this.idempotency = idempotency;
        this.upstreams = upstreams;
        this.limits = limits;
        this.records = records;
        this.config = config;
        this.outbound = outbound;
        this.json = json;
    }

    /** A create's answer: the collection, and whether it replays an earlier request with the same key. */
    public record Created(CollectionView collection, boolean replayed) {
    }

    /**
     * Validates and stores a collection. With an {@code Idempotency-Key}, a retry with the same body answers the
     * original collection, another body is 422; a refused request leaves no key behind.
     */
    @WithSession
    public Uni<Created> create(UUID tenantId, CreateCollectionRequest request, String idempotencyKey) {
        CollectionStore.NewCollection c;
        byte[] hash;
        try {
            IdempotencyStore.check(idempotencyKey);
            // the request as sent (validate takes custom_id out of the requests)
            hash = idempotencyKey == null ? null : IdempotencyStore.hash(canonical(request));
            c = validate(tenantId, request);
        } catch (ProblemException e) {
            return Uni.createFrom().failure(e);
        }
        if (idempotencyKey == null) {
            return store.insert(c, null).map(created -> new Created(view(c, created), false));
        }
        return idempotency.claim(tenantId, SCOPE, idempotencyKey, hash)
                .chain(decision -> {
                    if (decision.replayOf() != null) {
                        return replay(tenantId, decision.replayOf());
                    }
                    return store.insert(c, decision.claim())
                            .onFailure().call(t -> idempotency.release(decision.claim()))
                            .map(created -> new Created(view(c, created), false));
                });
    }

    private Uni<Created> replay(UUID tenantId, UUID collectionId) {
        return collections.findForTenant(tenantId, collectionId)
                .onItem().ifNull().failWith(() -> new ProblemException(410, "collection-deleted", "Collection deleted",
                        "the collection " + collectionId + " created with this Idempotency-Key has since been deleted",
                        "Idempotency-Key", null, Map.of("collection_id", collectionId.toString()), Map.of()))
                .chain(this::withRequests)
                .map(view -> new Created(view, true));
    }

    /** The tenant's collection with its requests; 404 if there is none. */
    @WithSession
    public Uni<CollectionView> get(UUID tenantId, UUID collectionId) {
        return find(tenantId, collectionId).chain(this::withRequests);
    }

    /** The tenant's collection; 404 if there is none (or it was deleted). */
    @WithSession
    public Uni<RequestCollection> find(UUID tenantId, UUID collectionId) {
        return collections.findForTenant(tenantId, collectionId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("collection " + collectionId));
    }

    @WithSession
    public Uni<List<RequestCollection>> list(UUID tenantId, OffsetDateTime beforeCreated, UUID beforeId, int limit) {
        return collections.page(tenantId, beforeCreated, beforeId, limit);
    }

    /**
     * Deletes the collection and its requests. Its runs are jobs and stay readable as jobs ({@code /v1/jobs/{run_id}})
     * until their retention; runs still going finish. Under {@code /v1/collections/{cid}} everything is then 404.
     */
    @WithTransaction
    public Uni<Void> delete(UUID tenantId, UUID collectionId) {
        return collections.deleteForTenant(tenantId, collectionId)
                .invoke(deleted -> {
                    if (!deleted) {
                        throw ProblemException.notFound("collection " + collectionId);
                    }
                })
                .replaceWithVoid();
    }

    private Uni<CollectionView> withRequests(RequestCollection c) {
        return store.requests(c.id, null).map(rows -> {
            List<JsonNode> requests = new ArrayList<>(rows.size());
            for (CollectionStore.StoredRequest r : rows) {
                requests.add(requestView(r.index(), r.customId(), r.request()));
            }
            return CollectionView.of(c, requests);
        });
    }

    private CollectionView view(CollectionStore.NewCollection c, OffsetDateTime created) {
        RequestCollection entity = new RequestCollection();
        entity.id = c.id();
        entity.tenantId = c.tenantId();
        entity.name = c.name();
        entity.requestCount = c.indexes().length;
        entity.webhookUrl = c.webhookUrl();
        entity.requestTimeoutSeconds = c.requestTimeoutSeconds();
        entity.createdAt = created;
        List<JsonNode> requests = new ArrayList<>(c.indexes().length);
        for (int i = 0; i < c.indexes().length; i++) {
            requests.add(requestView(i, c.customIds()[i], c.requests()[i]));
        }
        return CollectionView.of(entity, requests);
    }

    private JsonNode requestView(int index, String customId, String request) {
        ObjectNode out = json.createObjectNode().put("index", index);
        if (customId != null) {
            out.put("custom_id", customId);
        }
        try {
            out.setAll((ObjectNode) json.readTree(request));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored request is not JSON", e);
        }
        return out;
    }

    private String canonical(CreateCollectionRequest request) {
        try {
            return json.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The worker-level time limit of a request, in seconds, of a collection that does not set one. */
    int defaultRequestTimeout() {
        return (int) Math.max(1, config.requestTimeout().toSeconds());
    }

    /** The rules of a job of type http, applied to each request; field paths name {@code requests[i]}. */
    CollectionStore.NewCollection validate(UUID tenantId, CreateCollectionRequest request) {
        if (request == null) {
            throw ProblemException.validation(null, "request body is required");
        }
        Upstream http = upstreams.find(HTTP_TYPE).orElseThrow(() -> new ProblemException(503, "collections-unavailable",
                "Collections unavailable", "this service has no http upstream configured, so collections cannot run",
                null, null, null, Map.of()));
        List<FieldError> errors = new ArrayList<>();
        String name = request.name() == null ? null : request.name().strip();
        if (name == null || name.isEmpty()) {
            errors.add(new FieldError("name", "'name' is required"));
        } else if (name.length() > config.maxNameLength()) {
            errors.add(new FieldError("name", "'name' is at most " + config.maxNameLength() + " characters"));
        } else {
            JsonLimits.checkStorable(TextNode.valueOf(name), "name", errors);
        }
        List<JsonNode> requests = request.requests();
        if (requests == null || requests.isEmpty()) {
            errors.add(new FieldError("requests", "'requests' must hold at least one request"));
        } else if (requests.size() > limits.maxRecords()) {
            throw new ProblemException(413, "too-many-records", "Too many requests",
                    "a collection holds at most " + limits.maxRecords() + " requests (one job's records); this one has "
                            + requests.size(),
                    "requests", null, Map.of("limit", limits.maxRecords(), "requests", requests.size()), Map.of());
        }
        Integer timeout = request.requestTimeoutSeconds();
        long maxTimeout = config.maxRequestTimeout().toSeconds();
        if (timeout != null && (timeout < 1 || timeout > maxTimeout)) {
            errors.add(new FieldError("request_timeout_seconds", "'request_timeout_seconds' must be from 1 to " + maxTimeout));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        String webhookUrl = outbound.checkGiven(request.webhookUrl(), "webhook_url");
        JobValidator.Records checked = records.records(http, requests, "requests", "request", "collection");
        return new CollectionStore.NewCollection(Ids.uuid7(), tenantId, name, webhookUrl,
                timeout != null ? timeout : defaultRequestTimeout(), checked.indexes(),
                checked.customIds(), checked.inputs());
    }
}
