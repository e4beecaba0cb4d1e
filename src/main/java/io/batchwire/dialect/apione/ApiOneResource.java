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
    @Operation(summary = "Submit an async enrichment job",
            description = "Answers {status: success, job_id, estimated_completion_seconds, total_records}. The plan's limits, "
                    + "credits and queue apply as for POST /v1/jobs. With webhook_url the results are POSTed there when the job ends.")
    public Uni<Response> enrich(EnrichRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        Dialects.require(config.apione().enabled(), "apione");
        return apione.submit(tenant.id(), request, idempotencyKey)
                .map(s -> Response.accepted(s.body()).location(URI.create(s.link())).build());
    }

    @GET
    @Path("/status/{job_id}")
    @Operation(summary = "A job's status: queued, processing, completed or failed, with progress and counts")
    public Uni<ObjectNode> status(@PathParam("job_id") String jobId) {
        Dialects.require(config.apione().enabled(), "apione");
        return apione.status(tenant.id(), Ids.parse(jobId, "job"));
    }

    @GET
    @Path("/results/{job_id}")
    @Operation(summary = "Every record's input and enrichment or error, unpaged")
    public Uni<ObjectNode> results(@PathParam("job_id") String jobId) {
        Dialects.require(config.apione().enabled(), "apione");
        return apione.results(tenant.id(), Ids.parse(jobId, "job"));
    }

    @GET
    @Path("/limits")
    @Operation(summary = "The plan table: max records per job, concurrent jobs and result retention of each plan")
    public Uni<ObjectNode> limits() {
        Dialects.require(config.apione().enabled(), "apione");
        return apione.limits(tenant.get().plan());
    }
}
