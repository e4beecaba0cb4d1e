package io.batchwire.export;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchwire.api.PublicUrl;
import io.batchwire.api.Ids;
import io.batchwire.api.Problem;
import io.batchwire.api.ProblemException;
import io.batchwire.job.ExportFormat;
import io.batchwire.job.JobService;
import io.batchwire.tenant.CurrentTenant;
import io.batchwire.upstream.Upstream;
import io.batchwire.upstream.UpstreamRegistry;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

/**
 * The export dialect (the Vainu pattern): {@code POST {sync path}/async/?async_format=json|jsonl|csv|xlsx} with exactly
 * the sync endpoint's payload (plus an optional {@code result_url}) starts an export job of the upstream configured
 * under that path; the answer and every poll of its {@code link} are the same {@link ExportStatus} body. A thin
 * mapping onto the one engine: the job is an ordinary job of kind {@code export}, also under {@code /v1/jobs}.
 */
@Path("/")
@Tag(name = "Exports")
@Produces(MediaType.APPLICATION_JSON)
public class ExportResource {

    /** Where export jobs are polled: {@code /v1/async_result/{id}/}. */
    public static final String RESULT_PATH = "/v1/async_result/";

    private final JobService jobs;
    private final UpstreamRegistry upstreams;
    private final CurrentTenant tenant;
    private final PublicUrl publicUrl;

    public ExportResource(JobService jobs, UpstreamRegistry upstreams, CurrentTenant tenant,
                          PublicUrl publicUrl) {
        this.jobs = jobs;
        this.upstreams = upstreams;
        this.publicUrl = publicUrl;
        this.tenant = tenant;
    }

    @POST
    @Path("{path: .+}/async{slash: /?}")
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "submitExport", summary = "Start an export", description = "Takes exactly the sync endpoint's payload; answers 202 with "
            + "the job status body to poll at its link. async_format: json (default), jsonl, csv or xlsx.")
    @APIResponse(responseCode = "202", description = "Accepted (or queued); Location is the export to poll", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ExportStatus.class)))
    @APIResponse(responseCode = "402", description = "A metered plan's credits do not cover one page (or one row) of the export", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The same Idempotency-Key is still in flight (Retry-After)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "A body over the size limit", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used with another payload or format", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "Over the queued-record limit (Retry-After)", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> submit(@PathParam("path") String path, @QueryParam("async_format") String format,
                                @HeaderParam("Idempotency-Key") String idempotencyKey, JsonNode payload) {
        Upstream upstream = upstreams.byExportPath("/" + path).orElseThrow(() -> new ProblemException(404, "not-found",
                "Not found", "no export is configured under /" + path, null, null, null, Map.of()));
        ExportFormat chosen = format == null || format.isEmpty() ? ExportFormat.JSON : asyncFormat(format);
        URI base = base();
        return jobs.submitExport(tenant.id(), upstream, payload, chosen, idempotencyKey).map(submitted -> {
            ExportStatus body = ExportStatus.of(submitted.status(), tenant.get().name(), base);
            Response.ResponseBuilder r = Response.accepted(body).location(URI.create(body.link()));
            if (submitted.replayed()) {
                r.header("Idempotent-Replayed", "true");
            }
            submitted.headers().forEach(r::header);
            return r.build();
        });
    }

    @GET
    @Path("v1/async_result/{id}{slash: /?}")
    @Operation(operationId = "pollExport", summary = "Poll an export", description = "The same body as the submit's answer; download_link once completed.")
    @APIResponse(responseCode = "200", description = "The export", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ExportStatus.class)))
    public Uni<ExportStatus> poll(@PathParam("id") String id) {
        UUID jobId = Ids.parse(id, "job");
        URI base = base();
        return jobs.find(tenant.id(), jobId)
                .invoke(job -> {
                    if (!job.isExport()) {
                        throw ProblemException.notFound("export " + id);
                    }
                })
                .chain(job -> jobs.status(tenant.id(), jobId))
                .map(status -> ExportStatus.of(status, tenant.get().name(), base));
    }

    private static ExportFormat asyncFormat(String raw) {
        try {
            return ExportFormat.parse(raw);
        } catch (ProblemException e) {
            throw ProblemException.validation("async_format", "'async_format' must be one of json, jsonl, csv, xlsx");
        }
    }

    /** The links' base (batchwire.http.public-url, else the request's forwarded or Host headers), as a directory. */
    private URI base() {
        return URI.create(publicUrl.base() + "/");
    }
}
