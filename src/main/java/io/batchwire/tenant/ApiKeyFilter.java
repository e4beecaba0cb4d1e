package io.batchwire.tenant;

import io.batchwire.api.Problem;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every {@code /v1} (and ApiOne dialect {@code /api/v1}) request by {@code X-API-Key} or {@code Authorization: Bearer}.
 * Signed download links carry their own proof and need no key.
 */
public class ApiKeyFilter {

    private final TenantDirectory directory;
    private final CurrentTenant current;

    public ApiKeyFilter(TenantDirectory directory, CurrentTenant current) {
        this.directory = directory;
        this.current = current;
    }

    @ServerRequestFilter
    public Uni<Response> authenticate(ContainerRequestContext ctx) {
        String path = ctx.getUriInfo().getPath();
        // /v1, the ApiOne dialect's /api/v1 and the export dialect's {sync path}/async/ (the Vainu pattern)
        boolean exportDialect = path.endsWith("/async") || path.endsWith("/async/");
        if ((!path.startsWith("/v1/") && !path.startsWith("/api/v1/") && !exportDialect) || path.startsWith("/v1/downloads/")) {
            return Uni.createFrom().nullItem();
        }
        String key = ctx.getHeaderString("X-API-Key");
        if (key == null) {
            String auth = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                key = auth.substring(7).trim();
            }
        }
        if (key == null || key.isBlank()) {
            return Uni.createFrom().item(unauthorized("send your API key in X-API-Key or Authorization: Bearer"));
        }
        return directory.byKey(key).map(found -> {
            if (found.isEmpty()) {
                return unauthorized("the API key is not valid");
            }
            current.set(found.get());
            return null;
        });
    }

    private static Response unauthorized(String detail) {
        return Response.status(401).type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .entity(new Problem(Problem.type("unauthorized"), "Unauthorized", 401, detail, null, null, null))
                .build();
    }
}
