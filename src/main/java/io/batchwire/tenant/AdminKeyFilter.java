package io.batchwire.tenant;

import io.batchwire.api.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Guards {@code /admin} with a separate admin key ({@code X-Admin-Key}), from {@code batchwire.admin.api-key}.
 * Without a configured key the admin API does not exist (404).
 */
public class AdminKeyFilter {

    private final Optional<String> adminKey;

    public AdminKeyFilter(@ConfigProperty(name = "batchwire.admin.api-key") Optional<String> adminKey) {
        this.adminKey = adminKey.filter(k -> !k.isBlank());
    }

    @ServerRequestFilter(preMatching = true)
    public Response authenticate(ContainerRequestContext ctx) {
        if (!ctx.getUriInfo().getPath().startsWith("/admin/")) {
            return null;
        }
        if (adminKey.isEmpty()) {
            return problem(404, "not-found", "Not found", "no such resource");
        }
        String given = ctx.getHeaderString("X-Admin-Key");
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                adminKey.get().getBytes(StandardCharsets.UTF_8))) {
            return problem(401, "unauthorized", "Unauthorized", "send the admin key in X-Admin-Key");
        }
        return null;
    }

    private static Response problem(int status, String slug, String title, String detail) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem(Problem.type(slug), title, status, detail, null, null, null)).build();
    }
}
