package io.batchwire.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.List;
import java.util.Map;

/**
 * Refuses, with a 400 problem, a request whose path or query holds a control character once decoded ({@code %00},
 * {@code %0A}, ...): no id, key or parameter of the API can contain one, and one must never reach a parser, a log
 * line or the database (where a NUL in a text parameter is an error, not a miss).
 */
public class PathGuard {

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext ctx) {
        String path;
        try {
            path = ctx.getUriInfo().getPath(true);
        } catch (RuntimeException badEncoding) {
            return problem("the request path is not validly percent-encoded");
        }
        if (hasControl(path)) {
            return problem("the request path holds a control character");
        }
        try {
            for (Map.Entry<String, List<String>> e : ctx.getUriInfo().getQueryParameters(true).entrySet()) {
                if (hasControl(e.getKey()) || e.getValue().stream().anyMatch(PathGuard::hasControl)) {
                    return problem("the query parameter '" + e.getKey().replaceAll("\\p{Cntrl}", "?") + "' holds a control character");
                }
            }
        } catch (RuntimeException badEncoding) {
            return problem("the query is not validly percent-encoded");
        }
        return null;
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static Response problem(String detail) {
        return Response.status(400).type(Problem.MEDIA_TYPE)
                .entity(new Problem(Problem.type("invalid-request"), "Invalid request", 400, detail, null, null, null)).build();
    }
}
