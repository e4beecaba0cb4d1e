package io.batchwire.tenant;

import io.batchwire.api.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards {@code /admin} with a separate admin key ({@code X-Admin-Key}), from {@code batchwire.admin.api-key}.
 * Without a configured key the admin API does not exist (404).
 */
public class AdminKeyFilter {

    private final AdminKey adminKey;

    public AdminKeyFilter(AdminKey adminKey) {
        this.adminKey = adminKey;
    }

    @ServerRequestFilter(preMatching = true)
    public Response authenticate(ContainerRequestContext ctx) {
        if (!ctx.getUriInfo().getPath().startsWith("/admin/")) {
            return null;
        }
        if (!adminKey.configured()) {
            return problem(404, "not-found", "Not found", "no such resource");
        }
        if (!adminKey.matches(ctx.getHeaderString("X-Admin-Key"))) {
            return problem(401, "unauthorized", "Unauthorized", "send the admin key in X-Admin-Key");
        }
        return null;
    }

    private static Response problem(int status, String slug, String title, String detail) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem(Problem.type(slug), title, status, detail, null, null, null)).build();
    }
}
