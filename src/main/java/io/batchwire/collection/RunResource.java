package io.batchwire.collection;

import com.fasterxml.jackson.annotation.JsonView;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.api.AfterKey;
import io.batchwire.api.Ids;
import io.batchwire.api.NewestFirst;
import io.batchwire.api.Page;
import io.batchwire.api.Params;
import io.batchwire.job.JobState;
import io.batchwire.result.RecordView;
import io.batchwire.result.ResultQuery;
import io.batchwire.tenant.CurrentTenant;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.Set;
import java.util.UUID;

@Path("/v1/collections/{cid}/runs")
@Tag(name = "Collections")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {

    private final RunService runs;
    private final CurrentTenant tenant;
    private final ObjectMapper json;

    public RunResource(RunService runs, CurrentTenant tenant, ObjectMapper json) {
        this.runs = runs;
        this.tenant = tenant;
        this.json = json;
    }

    @POST
    @Operation(operationId = "startRun", summary = "Start a run",
            description = "Without a body the run holds every request; with {\"only_failed_from\": run_id} only those that "
                    + "did not succeed in that finished run. Answers 202 at once; poll the Location. If the answer is lost, "
                    + "retry with the same Idempotency-Key or find the live run with GET ?status_filter=in_progress.")
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = StartRunRequest.class)))
    @APIResponse(responseCode = "202", description = "Started; Location is the run", content = @Content(mediaType = "application/json", schema = @Schema(implementation = RunView.class)))
    public Uni<Response> start(@PathParam("cid") String cid, String body,
                               @HeaderParam("Idempotency-Key") String idempotencyKey) throws JsonProcessingException {
        // read here rather than by JAX-RS, so that a POST with no body needs no Content-Type either
        StartRunRequest request = body == null || body.isBlank() ? null : json.readValue(body, StartRunRequest.class);
        return runs.start(tenant.id(), Ids.parse(cid, "collection"), request, idempotencyKey).map(started -> {
            Response.ResponseBuilder r = Response.accepted(started.run()).location(URI.create(started.run().link()));
            if (started.replayed()) {
                r.header("Idempotent-Replayed", "true");
            }
            started.headers().forEach(r::header);
            return r.build();
        });
    }

    @GET
    @Operation(operationId = "listRuns", summary = "The collection's runs, newest first",
            description = "status_filter: comma-separated in_progress, completed, failed, cancelled")
    public Uni<Page<RunView>> list(@PathParam("cid") String cid, @QueryParam("status_filter") String statusFilter,
                                   @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        UUID collectionId = Ids.parse(cid, "collection");
        int size = Params.limit(limit, 20, 100);
        Set<JobState> states = RunStatus.jobStates(statusFilter);
        String query = "runs:" + collectionId + ":" + states.stream().map(JobState::wire).sorted().toList();
        NewestFirst.After after = NewestFirst.after(cursor, query);
        return runs.list(tenant.id(), collectionId, states, after.createdAt(), after.id(), size + 1)
                .map(found -> NewestFirst.page(found, size, query, j -> j.createdAt, j -> j.id, RunView::of));
    }

    @GET
    @Path("/{runId}")
    @Operation(operationId = "getRun", summary = "A run's status and counters")
    public Uni<RunView> get(@PathParam("cid") String cid, @PathParam("runId") String runId) {
        return runs.get(tenant.id(), Ids.parse(cid, "collection"), Ids.parse(runId, "run"));
    }

    @GET
    @Path("/{runId}/jobs")
    @Operation(operationId = "listRunRequests", summary = "The run's requests and their outcomes, cursor-paged; readable while the run goes",
            description = "order_by=index (default) or completed_at (the order outcomes were stored: following cursor_next "
                    + "never skips or repeats a request while the run progresses); status_filter: comma-separated pending, "
                    + "completed, failed, timeout, cancelled; since_completed_at: only outcomes stored at or after it.")
    @JsonView(RecordView.Listing.class)
    public Uni<Page<RecordView>> requests(@PathParam("cid") String cid, @PathParam("runId") String runId,
                                              @QueryParam("limit") String limit,
                                              @QueryParam("cursor") String cursor,
                                              @QueryParam("status_filter") String statusFilter,
                                              @QueryParam("order_by") String orderBy,
                                              @QueryParam("since_completed_at") String since) {
        UUID collectionId = Ids.parse(cid, "collection");
        UUID run = Ids.parse(runId, "run");
        int size = Params.limit(limit, 100, 1000);
        ResultQuery q = new ResultQuery(run, ResultQuery.order(orderBy), RequestStatus.recordStates(statusFilter),
                Params.timestamp(since, "since_completed_at"), size + 1);
        String fingerprint = "run-" + q.fingerprint();
        Long after = AfterKey.after(cursor, fingerprint);
        return runs.requests(tenant.id(), collectionId, q, after)
                .map(rows -> AfterKey.page(rows, size, cursor, fingerprint, RunService.Keyed::key, RunService.Keyed::request));
    }

    @GET
    @Path("/{runId}/jobs/{key}/result")
    @Operation(operationId = "getRunRequestResult", summary = "One request of the run with its full response body",
            description = "key: the request's index in the collection, or its custom_id. 410 once the run's bodies are "
                    + "past their retention.")
    public Uni<RecordView> result(@PathParam("cid") String cid, @PathParam("runId") String runId,
                                        @PathParam("key") String key) {
        return runs.result(tenant.id(), Ids.parse(cid, "collection"), Ids.parse(runId, "run"), key);
    }
}
