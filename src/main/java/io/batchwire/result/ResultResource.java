package io.batchwire.result;

import io.batchwire.api.Ids;
import io.batchwire.api.Page;
import io.batchwire.api.ProblemException;
import io.batchwire.job.JobService;
import io.batchwire.tenant.CurrentTenant;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

@Path("/v1/jobs/{id}/results")
@Tag(name = "Results")
@Produces(MediaType.APPLICATION_JSON)
public class ResultResource {

    private final JobService jobs;
    private final ResultStore results;
    private final ResultPages pages;
    private final CurrentTenant tenant;

    public ResultResource(JobService jobs, ResultStore results, ResultPages pages, CurrentTenant tenant) {
        this.jobs = jobs;
        this.results = results;
        this.pages = pages;
        this.tenant = tenant;
    }

    @GET
    @Operation(operationId = "listResults", summary = "Per-record outcomes, cursor-paged; readable while the job runs")
    public Uni<Page<RecordView>> page(@PathParam("id") String id,
                                        @QueryParam("limit") String limit,
                                        @QueryParam("cursor") String cursor,
                                        @QueryParam("status_filter") String statusFilter,
                                        @QueryParam("order_by") String orderBy,
                                        @QueryParam("since_completed_at") String since) {
        UUID jobId = Ids.parse(id, "job");
        ResultPages.Request request = pages.request(jobId, limit, cursor, statusFilter, orderBy, since);
        return jobs.requireOwned(tenant.id(), jobId).chain(() -> pages.page(request));
    }

    @GET
    @Path("/{key}")
    @Operation(operationId = "getResult", summary = "One record, by index or custom_id")
    public Uni<RecordView> one(@PathParam("id") String id, @PathParam("key") String key) {
        UUID jobId = Ids.parse(id, "job");
        return jobs.requireOwned(tenant.id(), jobId)
                .chain(() -> results.one(jobId, key))
                .onItem().ifNull().failWith(() -> ProblemException.notFound("record " + key + " of job " + jobId));
    }
}
