package io.batchwire.dialect.apione;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.api.Ids;
import io.batchwire.dialect.Dialects;
import io.batchwire.dialect.DialectsConfig;
import io.batchwire.tenant.CurrentTenant;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import io.batchwire.api.Problem;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;

/** ApiOne's async jobs (seed 001), as its documentation shows them. */
@Path("/api/v1/async")
@Tag(name = "Dialect: ApiOne")
@Produces(MediaType.APPLICATION_JSON)
public class ApiOneResource {

    private final ApiOneService apione;
    private final CurrentTenant tenant;
    private final DialectsConfig config;

    public ApiOneResource(ApiOneService apione, CurrentTenant tenant, DialectsConfig config) {
        this.apione = apione;
        this.tenant = tenant;
        this.config = config;
    }

    @POST
    @Path("/enrich")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "apiOneEnrich", summary = "Submit an async enrichment job",
            description = "Answers {status: success, job_id, estimated_completion_seconds, total_records}. The plan's limits, "
                    + "credits and queue apply as for POST /v1/jobs. With webhook_url the results are POSTed there when the job ends.")
    @APIResponse(responseCode = "202", description = "Accepted (or queued); Location is the job's status", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiOneBodies.Accepted.class)))
    @APIResponse(responseCode = "402", description = "A metered plan's credits do not cover the job", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The same Idempotency-Key is still in flight (Retry-After)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "More records than the plan allows, or a body over the size limit", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used with another body", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "Over the queued-record limit (Retry-After)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> enrich(EnrichRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        Dialects.require(config.apione().enabled(), "apione");
        return apione.submit(tenant.id(), request, idempotencyKey)
                .map(s -> Response.accepted(s.body()).location(URI.create(s.link())).build());
    }

    @GET
    @Path("/status/{job_id}")
    @Operation(operationId = "apiOneStatus", summary = "A job's status: queued, processing, completed or failed, with progress and counts")
    @APIResponse(responseCode = "200", description = "The job's status", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiOneBodies.Status.class)))
    public Uni<ObjectNode> status(@PathParam("job_id") String jobId) {
        Dialects.require(config.apione().enabled(), "apione");
        return apione.status(tenant.id(), Ids.parse(jobId, "job"));
    }

    @GET
    @Path("/results/{job_id}")
    @Operation(operationId = "apiOneResults", summary = "Every record's input and enrichment or error, unpaged")
    @APIResponse(responseCode = "200", description = "Every record of the job", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiOneBodies.Results.class)))
    public Uni<ObjectNode> results(@PathParam("job_id") String jobId) {
        Dialects.require(config.apione().enabled(), "apione");
        return apione.results(tenant.id(), Ids.parse(jobId, "job"));
    }

    @GET
    @Path("/limits")
    @Operation(operationId = "apiOneLimits", summary = "The plan table: max records per job, concurrent jobs and result retention of each plan")
    @APIResponse(responseCode = "200", description = "The plan table", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiOneBodies.Limits.class)))
    public Uni<ObjectNode> limits() {
        Dialects.require(config.apione().enabled(), "apione");
        return apione.limits(tenant.get().plan());
    }
}
