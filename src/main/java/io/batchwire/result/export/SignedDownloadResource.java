package io.batchwire.result.export;

import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

/** A job's results file through a signed link: no API key, the token is the permission (see {@link DownloadTokens}). */
@Path("/v1/downloads/{token}")
@Tag(name = "Results")
@Produces(MediaType.APPLICATION_OCTET_STREAM)
public class SignedDownloadResource {

    private final Downloads downloads;

    public SignedDownloadResource(Downloads downloads) {
        this.downloads = downloads;
    }

    @GET
    @Operation(operationId = "downloadSigned", summary = "Download through a signed link (no API key)",
            description = "The download_link of a job's status. 403 when the link was altered, 410 once it expired.")
    public RestMulti<Buffer> download(@PathParam("token") String token) {
        return Download.respond(downloads.byLink(token));
    }
}
