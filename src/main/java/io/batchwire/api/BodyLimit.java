package io.batchwire.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.io.ByteArrayInputStream;
import java.util.Map;

/**
 * Holds every request body to {@code quarkus.http.limits.max-body-size}, with a problem+json 413 the client can read.
 * A body that declares a larger Content-Length is refused before a byte of it is read; a body without one (chunked)
 * is read here, counted as it arrives, and refused the moment it passes the limit. After a refusal the rest of the
 * body is read and dropped (up to {@link #DRAIN_FACTOR} times the limit, for at most {@link #DRAIN_TIME_MS}), so the
 * client, still sending, gets to read the answer instead of a reset connection; past that the connection is closed.
 * A chunked body within the limit is handed to the resource as its entity (the API's resources, not {@code /q/}).
 */
@ApplicationScoped
public class BodyLimit {

    /** How much of a refused body is read and dropped, as a multiple of the limit, before the connection is closed. */
    static final int DRAIN_FACTOR = 4;
    static final long DRAIN_TIME_MS = 10_000;
    private static final String BODY = "batchwire.chunked-body";

    private final long maxBytes;

    public BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize max) {
        this.maxBytes = max.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            HttpServerRequest req = ctx.request();
            String length = req.getHeader("Content-Length");
            if (length != null) {
                long declared;
                try {
                    declared = Long.parseLong(length.trim());
                } catch (NumberFormatException e) {
                    declared = -1;
                }
                if (declared > maxBytes) {
                    if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
                        // the client waits for a go-ahead before it sends the body: it never will
                        ctx.response().putHeader("Connection", "close");
                        refuse(ctx, "this one declares " + declared);
                        return;
                    }
                    refuse(ctx, "this one declares " + declared);
                    drain(ctx, 0);
                    return;
                }
                ctx.next();
                return;
            }
            if (req.isEnded() || !"chunked".equalsIgnoreCase(req.getHeader("Transfer-Encoding")) || req.path().startsWith("/q/")) {
                ctx.next();
                return;
            }
            readChunked(ctx);
        });
    }

    /** Hands a chunked body read by {@link #readChunked} to the resource, as its entity. */
    @ServerRequestFilter(preMatching = true)
    public void entity(ContainerRequestContext request, RoutingContext ctx) {
        Buffer body = ctx.get(BODY);
        if (body != null) {
            ctx.remove(BODY);
            request.setEntityStream(new ByteArrayInputStream(body.getBytes()));
        }
    }

    private void readChunked(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        Buffer body = Buffer.buffer();
        req.handler(chunk -> {
            if (body.length() + (long) chunk.length() > maxBytes) {
                refuse(ctx, "this one is larger");
                drain(ctx, body.length() + (long) chunk.length()); // replaces this handler: nothing more is kept
                return;
            }
            body.appendBuffer(chunk);
        });
        req.exceptionHandler(t -> ctx.fail(400, t));
        req.endHandler(v -> {
            ctx.put(BODY, body);
            ctx.next();
        });
        req.resume();
    }

    private void refuse(RoutingContext ctx, String what) {
        Problem p = new Problem(Problem.type("body-too-large"), "Request body too large", 413,
                "request bodies are limited to " + maxBytes + " bytes; " + what, null, null, Map.of("limit_bytes", maxBytes));
        ctx.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE).end(Json.encode(p));
    }

    /** Reads and drops the rest of a refused body, within bounds; the connection is closed past them. */
    private void drain(RoutingContext ctx, long alreadySeen) {
        HttpServerRequest req = ctx.request();
        long budget = DRAIN_FACTOR * maxBytes;
        long[] seen = {alreadySeen};
        long timer = ctx.vertx().setTimer(DRAIN_TIME_MS, t -> close(req));
        req.handler(chunk -> {
            seen[0] += chunk.length();
            if (seen[0] > budget) {
                ctx.vertx().cancelTimer(timer);
                close(req);
            }
        });
        req.endHandler(v -> ctx.vertx().cancelTimer(timer));
        req.exceptionHandler(t -> { /* the client went away: nothing to drain */ });
        req.resume();
    }

    private static void close(HttpServerRequest req) {
        if (req.connection() != null) {
            req.connection().close();
        }
    }
}
