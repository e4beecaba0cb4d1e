package io.batchwire.result.export;

import io.batchwire.api.Ids;
import io.batchwire.job.ExportFormat;
import io.batchwire.tenant.CurrentTenant;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * A job's results as one file, by API key. The body streams as it is read from the database; each response's own
 * Content-Type (per format) replaces the octet-stream declared here, which only tells the framework to pass the
 * bytes through untouched (and {@link AnyAcceptFilter} keeps the Accept header from getting in the way).
 */
@Path("/v1/jobs/{id}/download")
@Tag(name = "Results")
@Produces(MediaType.APPLICATION_OCTET_STREAM)
public class DownloadResource {

    private final Downloads downloads;
    private final CurrentTenant tenant;

    public DownloadResource(Downloads downloads, CurrentTenant tenant) {
        this.downloads = downloads;
        this.tenant = tenant;
    }

    @GET
    @Operation(operationId = "downloadResults", summary = "Download a job's results as one file",
            description = "json (an array of result objects), jsonl (one per line), csv or xlsx (results flattened into"
                    + " result.<key> columns). Works while the job runs: it holds the outcomes stored so far.")
    public RestMulti<Buffer> download(@PathParam("id") String id,
                                      @Parameter(description = "json, jsonl (default), csv or xlsx")
                                      @QueryParam("format") String format) {
        return Download.respond(downloads.forJob(tenant.id(), Ids.parse(id, "job"), ExportFormat.parse(format)));
    }
}
