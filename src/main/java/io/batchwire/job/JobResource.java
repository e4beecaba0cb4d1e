package io.batchwire.job;

import io.batchwire.api.Ids;
import io.batchwire.api.Page;
import io.batchwire.api.Params;
import io.batchwire.api.Problem;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;

@Path("/v1/jobs")
@Tag(name = "Jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    private final JobService jobs;
    private final JobViews views;
    private final CurrentTenant tenant;

    public JobResource(JobService jobs, JobViews views, CurrentTenant tenant) {
        this.jobs = jobs;
        this.views = views;
        this.tenant = tenant;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "submitJob", summary = "Submit a batch", description = "Stores the job and answers 202 at once; poll the Location. Over the "
            + "plan's concurrent-jobs limit the job is accepted as queued and starts when a running one ends. 402 when a "
            + "metered plan's credits do not cover it; 429 with Retry-After over the queued-record limit. RateLimit-Policy "
            + "and RateLimit headers tell the queued-record quota left.")
    @APIResponse(responseCode = "202", description = "Accepted (or queued); Location is the job", content = @Content(mediaType = "application/json", schema = @Schema(implementation = JobStatus.class)))
    @APIResponse(responseCode = "402", description = "A metered plan's credits do not cover the job", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The same Idempotency-Key is still in flight (Retry-After)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "More records than the plan allows, or a body over the size limit", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used with another body", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "Over the queued-record limit (Retry-After)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> submit(SubmitJobRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return jobs.submit(tenant.id(), request, idempotencyKey).map(submitted -> {
            Response.ResponseBuilder r = Response.accepted(submitted.status()).location(URI.create(submitted.status().link()));
            if (submitted.replayed()) {
                r.header("Idempotent-Replayed", "true");
            }
            submitted.headers().forEach(r::header);
            return r.build();
        });
    }

    @POST
    @Path("/{id}/cancel")
    @Operation(operationId = "cancelJob", summary = "Cancel a job", description = "No new upstream calls; finished records keep their outcomes; the rest become cancelled. 409 if the job already ended.")
    @APIResponse(responseCode = "200", description = "The job, cancelled", content = @Content(mediaType = "application/json", schema = @Schema(implementation = JobStatus.class)))
    @APIResponse(responseCode = "409", description = "The job already ended", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<JobStatus> cancel(@PathParam("id") String id) {
        return jobs.cancel(tenant.id(), Ids.parse(id, "job"));
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getJob", summary = "A job's status, counts and links")
    public Uni<JobStatus> get(@PathParam("id") String id) {
        return jobs.status(tenant.id(), Ids.parse(id, "job"));
    }

    @GET
    @Operation(operationId = "listJobs", summary = "The tenant's jobs, newest first")
    public Uni<Page<JobStatus>> list(@QueryParam("state") String state, @QueryParam("cursor") String cursor,
                                     @QueryParam("limit") String limit) {
        int size = Params.limit(limit, 20, 100);
        return jobs.page(JobFilter.ofTenant(tenant.id(), JobFilter.state(state)), cursor, size);
    }
}
