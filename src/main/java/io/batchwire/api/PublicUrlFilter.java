package io.batchwire.api;

import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Vertx;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.net.URI;

/**
 * Reads the base of links from each request (for {@link PublicUrl}), and makes a relative {@code Location}
 * absolute on it.
 */
public class PublicUrlFilter {

    private final PublicUrl urls;

    public PublicUrlFilter(PublicUrl urls) {
        this.urls = urls;
    }

    @ServerRequestFilter(preMatching = true)
    public void remember(ContainerRequestContext ctx) {
        var c = Vertx.currentContext();
        if (c == null || !VertxContext.isDuplicatedContext(c)) {
            return;
        }
        String base = urls.fromHeaders(ctx.getUriInfo().getRequestUri().getScheme(), ctx.getHeaderString(HttpHeaders.HOST),
                ctx.getHeaderString("X-Forwarded-Proto"), ctx.getHeaderString("X-Forwarded-Host"),
                ctx.getHeaderString("X-Forwarded-Prefix"));
        ContextLocals.put(PublicUrl.BASE, base);
    }

    @ServerResponseFilter
    public void location(ContainerResponseContext response) {
        Object location = response.getHeaders().getFirst(HttpHeaders.LOCATION);
        if (location == null) {
            return;
        }
        String raw = location.toString();
        URI uri = URI.create(raw);
        // JAX-RS may have resolved a relative Location on the request's own URI: rebuild it on the public base
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        response.getHeaders().putSingle(HttpHeaders.LOCATION, urls.absolute(path));
    }
}
