package io.batchwire.dialect.collections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.api.AfterKey;
import io.batchwire.api.Ids;
import io.batchwire.api.NewestFirst;
import io.batchwire.api.Page;
import io.batchwire.api.Params;
import io.batchwire.collection.CollectionService;
import io.batchwire.collection.CollectionView;
import io.batchwire.collection.CreateCollectionRequest;
import io.batchwire.collection.RequestStatus;
import io.batchwire.collection.RunService;
import io.batchwire.collection.RunStatus;
import io.batchwire.collection.RunView;
import io.batchwire.dialect.Dialects;
import io.batchwire.dialect.DialectsConfig;
import io.batchwire.job.JobState;
import io.batchwire.result.RecordView;
import io.batchwire.result.ResultQuery;
import io.batchwire.tenant.CurrentTenant;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import io.batchwire.api.Problem;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.Set;
import java.util.UUID;

/**
 * Seed 003's collections and runs, under {@code /v1/async/collections} exactly as the document shows them: a thin
 * mapping onto {@link CollectionService} and {@link RunService} (a run is a job); requests of a run are its
 * {@code jobs}, each named by its index in the collection ({@code job_id}).
 */
@Path("/v1/async/collections")
@Tag(name = "Dialect: async collections")
@Produces(MediaType.APPLICATION_JSON)
public class AsyncCollectionsResource {

    private final CollectionService collections;
    private final RunService runs;
    private final AsyncCollectionsService dialect;
    private final CurrentTenant tenant;
    private final DialectsConfig config;
    private final ObjectMapper json;

    public AsyncCollectionsResource(CollectionService collections, RunService runs, AsyncCollectionsService dialect,
                                    CurrentTenant tenant, DialectsConfig config, ObjectMapper json) {
        this.collections = collections;
        this.runs = runs;
        this.dialect = dialect;
        this.tenant = tenant;
        this.config = config;
        this.json = json;
    }

    private void enabled() {
        Dialects.require(config.collections().enabled(), "collections");
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "asyncCreateCollection", summary = "Create a collection", description = "Answers {id, name, message}. A url without a scheme gets the "
            + "default one (https). Idempotency-Key: a retry with the same key and body answers the original collection.")
    @APIResponse(responseCode = "201", description = "Created; Location is the collection", content = @Content(mediaType = "application/json", schema = @Schema(implementation = AsyncCollectionsBodies.Created.class)))
    @APIResponse(responseCode = "200", description = "An idempotent replay (Idempotent-Replayed: true): the original collection", content = @Content(mediaType = "application/json", schema = @Schema(implementation = AsyncCollectionsBodies.Created.class)))
    @APIResponse(responseCode = "409", description = "The same Idempotency-Key is still in flight (Retry-After)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "A body over the size limit", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used with another body", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> create(CreateCollectionRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        enabled();
        return collections.create(tenant.id(), dialect.normalize(request), idempotencyKey).map(created -> {
            CollectionView c = created.collection();
            ObjectNode body = json.createObjectNode().put("id", c.id().toString()).put("name", c.name())
                    .put("message", created.replayed() ? "Collection already created (idempotent replay)."
                            : "Collection created successfully.");
            Response.ResponseBuilder r = Response.status(created.replayed() ? 200 : 201).entity(body)
                    .location(URI.create("/v1/async/collections/" + c.id()));
            if (created.replayed()) {
                r.header("Idempotent-Replayed", "true");
            }
            return r.build();
        });
    }

    @GET
    @Path("/{collection_id}")
    @Operation(operationId = "asyncGetCollection", summary = "A collection with its requests")
    public Uni<CollectionView> get(@PathParam("collection_id") String cid) {
        enabled();
        return collections.get(tenant.id(), Ids.parse(cid, "collection"));
    }

    @POST
    @Path("/{collection_id}/run")
    @Operation(operationId = "asyncStartRun", summary = "Start a run (no body)", description = "Answers the run, status in_progress. If the answer is lost, "
            + "find the live run with GET .../runs?status_filter=in_progress instead of starting another.")
    @APIResponse(responseCode = "202", description = "Started; Location is the run", content = @Content(mediaType = "application/json", schema = @Schema(implementation = RunView.class)))
    @APIResponse(responseCode = "402", description = "A metered plan's credits do not cover the run", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The same Idempotency-Key is still in flight (Retry-After)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used with another body", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "Over the queued-record limit (Retry-After)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> run(@PathParam("collection_id") String cid, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        enabled();
        UUID collectionId = Ids.parse(cid, "collection");
        return runs.start(tenant.id(), collectionId, null, idempotencyKey).map(started -> {
            Response.ResponseBuilder r = Response.accepted(run(started.run()))
                    .location(URI.create(path(collectionId, started.run().runId())));
            if (started.replayed()) {
                r.header("Idempotent-Replayed", "true");
            }
            started.headers().forEach(r::header);
            return r.build();
        });
    }

    @GET
    @Path("/{collection_id}/runs")
    @Operation(operationId = "asyncListRuns", summary = "The collection's runs, newest first, with their total",
            description = "status_filter: comma-separated in_progress, completed, failed, cancelled. Answers {total, items, has_more, cursor_next}.")
    @APIResponse(responseCode = "200", description = "The runs", content = @Content(mediaType = "application/json", schema = @Schema(implementation = AsyncCollectionsBodies.RunsPage.class)))
    public Uni<ObjectNode> runs(@PathParam("collection_id") String cid, @QueryParam("status_filter") String statusFilter,
                                @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        enabled();
        UUID collectionId = Ids.parse(cid, "collection");
        int size = Params.limit(limit, 20, 100);
        Set<JobState> states = RunStatus.jobStates(statusFilter);
        String query = "async-runs:" + collectionId + ":" + states.stream().map(JobState::wire).sorted().toList();
        NewestFirst.After after = NewestFirst.after(cursor, query);
        return runs.count(tenant.id(), collectionId, states)
                .chain(total -> runs.list(tenant.id(), collectionId, states, after.createdAt(), after.id(), size + 1)
                        .map(found -> {
                            Page<RunView> page = NewestFirst.page(found, size, query, j -> j.createdAt, j -> j.id, RunView::of);
                            ObjectNode body = json.createObjectNode().put("total", total);
                            ArrayNode items = body.putArray("items");
                            page.items().forEach(v -> items.add(run(v)));
                            body.put("has_more", page.hasMore()).put("cursor_next", page.cursorNext());
                            return body;
                        }));
    }

    @GET
    @Path("/{collection_id}/runs/{run_id}")
    @Operation(operationId = "asyncGetRun", summary = "A run's status and counters")
    @APIResponse(responseCode = "200", description = "The run", content = @Content(mediaType = "application/json", schema = @Schema(implementation = RunView.class)))
    public Uni<ObjectNode> getRun(@PathParam("collection_id") String cid, @PathParam("run_id") String runId) {
        enabled();
        return runs.get(tenant.id(), Ids.parse(cid, "collection"), Ids.parse(runId, "run")).map(this::run);
    }

    @GET
    @Path("/{collection_id}/runs/{run_id}/jobs")
    @Operation(operationId = "asyncListRunJobs", summary = "The run's jobs (one per request): job_id, custom_id, url, status, status_code, timings; cursor-paged",
            description = "order_by=index (default) or completed_at; status_filter: comma-separated pending, completed, "
                    + "failed, timeout, cancelled; since_completed_at; limit up to 1000.")
    @APIResponse(responseCode = "200", description = "The run's jobs", content = @Content(mediaType = "application/json", schema = @Schema(implementation = AsyncCollectionsBodies.JobsPage.class)))
    public Uni<ObjectNode> jobs(@PathParam("collection_id") String cid, @PathParam("run_id") String runId,
                                @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
                                @QueryParam("status_filter") String statusFilter, @QueryParam("order_by") String orderBy,
                                @QueryParam("since_completed_at") String since) {
        enabled();
        UUID collectionId = Ids.parse(cid, "collection");
        UUID run = Ids.parse(runId, "run");
        int size = Params.limit(limit, 100, 1000);
        ResultQuery q = new ResultQuery(run, ResultQuery.order(orderBy), RequestStatus.recordStates(statusFilter),
                Params.timestamp(since, "since_completed_at"), size + 1);
        String fingerprint = "async-run-" + q.fingerprint();
        Long afterKey = AfterKey.after(cursor, fingerprint);
        return runs.requests(tenant.id(), collectionId, q, afterKey)
                .map(rows -> AfterKey.page(rows, size, cursor, fingerprint, RunService.Keyed::key, RunService.Keyed::request))
                .map(page -> {
                    ObjectNode body = json.createObjectNode();
                    ArrayNode items = body.putArray("items");
                    page.items().forEach(r -> items.add(job(r)));
                    body.put("has_more", page.hasMore()).put("cursor_next", page.cursorNext());
                    return body;
                });
    }

    @GET
    @Path("/{collection_id}/runs/{run_id}/jobs/{job_id}/result")
    @Operation(operationId = "asyncGetRunJobResult", summary = "One job of the run with its full response (HTML or data)",
            description = "For a browser request (browser: true) result is the rendered HTML and screenshot the base64 "
                    + "screenshot (null when none was asked for).")
    @APIResponse(responseCode = "200", description = "The job with its full response", content = @Content(mediaType = "application/json", schema = @Schema(implementation = AsyncCollectionsBodies.JobResult.class)))
    public Uni<ObjectNode> result(@PathParam("collection_id") String cid, @PathParam("run_id") String runId,
                                  @PathParam("job_id") String jobId) {
        enabled();
        return runs.result(tenant.id(), Ids.parse(cid, "collection"), Ids.parse(runId, "run"), jobId).map(r -> {
            ObjectNode body = job(r);
            JsonNode result;
            try {
                result = r.result() == null ? json.nullNode() : json.readTree(r.result());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("stored result is not JSON", e);
            }
            if (Boolean.TRUE.equals(r.browser())) {
                // a rendered page: the HTML is the result, as for any page; the screenshot beside it
                body.set("result", result.isObject() ? result.path("html") : result);
                body.set("screenshot", result.isObject() && result.hasNonNull("screenshot") ? result.get("screenshot")
                        : json.nullNode());
            } else {
                body.set("result", result);
            }
            return body;
        });
    }

    /** A run in the seed's terms, with absolute links. */
    private ObjectNode run(RunView v) {
        ObjectNode node = json.valueToTree(v);
        node.put("link", node.get("link").asText().replace("/v1/collections/", "/v1/async/collections/"))
                .put("jobs_link", node.get("jobs_link").asText().replace("/v1/collections/", "/v1/async/collections/"));
        return node;
    }

    /** A request of a run as the seed's jobs listing names it: {@code job_id} is its index in the collection. */
    private ObjectNode job(RecordView r) {
        ObjectNode node = json.valueToTree(r);
        node.remove("result");
        node.put("job_id", String.valueOf(r.index()));
        JsonLinks.rewrite(node, "result_link");
        return node;
    }

    private static String path(UUID collectionId, UUID runId) {
        return "/v1/async/collections/" + collectionId + "/runs/" + runId;
    }

    /** Links of the engine's views point to /v1/collections; the dialect's to /v1/async/collections. */
    static final class JsonLinks {
        static void rewrite(ObjectNode node, String field) {
            if (node.hasNonNull(field)) {
                node.put(field, node.get(field).asText().replace("/v1/collections/", "/v1/async/collections/"));
            }
        }
    }
}
