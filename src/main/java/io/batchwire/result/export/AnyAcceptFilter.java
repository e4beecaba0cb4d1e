package io.batchwire.result.export;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.regex.Pattern;

/**
 * Downloads answer whatever the Accept header says: the {@code format} parameter (or the link) picks the file and
 * its Content-Type. Without this, a client sending {@code Accept: text/csv} for a CSV, or one that always sends
 * {@code Accept: application/json}, would get 406, since a streamed answer declares one media type to the framework.
 */
public class AnyAcceptFilter {

    private static final Pattern DOWNLOADS = Pattern.compile("/v1/jobs/[^/]+/download|/v1/downloads/[^/]+");

    @ServerRequestFilter(preMatching = true)
    public void acceptAnything(ContainerRequestContext ctx) {
        if (ctx.getHeaderString(HttpHeaders.ACCEPT) != null && DOWNLOADS.matcher(ctx.getUriInfo().getPath()).matches()) {
            ctx.getHeaders().putSingle(HttpHeaders.ACCEPT, MediaType.WILDCARD);
        }
    }
}
