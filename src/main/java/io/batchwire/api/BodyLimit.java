package io.batchwire.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
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
 * <p>
 * And in time: a body must have arrived whole within {@code batchwire.http.body-timeout} of its request's headers
 * (however it is sent, whatever the path). A request still sending past that, not yet answered, gets a problem+json
 * 408 and its connection is closed (on HTTP/2, its stream is reset); one answered without its body is ended the same
 * way, without a 408. Requests without a body, and answers (however long they stream), are not bounded by it. Without it a client could trickle a body without end, a byte within every
 * idle timeout (30 minutes), holding the connection and its buffer.
 */
@ApplicationScoped
public class BodyLimit {

    /** How much of a refused body is read and dropped, as a multiple of the limit, before the connection is closed. */
    static final int DRAIN_FACTOR = 4;
    static final long DRAIN_TIME_MS = 10_000;
    private static final String BODY = "batchwire.chunked-body";
    /** Set while a refused body is drained: {@link #drain} bounds it, the body deadline no longer does. */
    private static final String DRAINING = "batchwire.draining";
    /** Set when this filter has answered the request itself. */
    private static final String ANSWERED = "batchwire.answered-by-body-limit";

    private final long maxBytes;
    private final long bodyTimeoutMs;

    public BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize max, HttpConfig http) {
        this.maxBytes = max.asLongValue();
        this.bodyTimeoutMs = Math.max(1, http.bodyTimeout().toMillis());
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            HttpServerRequest req = ctx.request();
            String length = req.getHeader("Content-Length");
            long declared = -1;
            if (length != null) {
                try {
                    declared = Long.parseLong(length.trim());
                } catch (NumberFormatException e) {
                    declared = -1;
                }
            }
            if (!req.isEnded() && hasBody(req, length, declared)) {
                long timer = ctx.vertx().setTimer(bodyTimeoutMs, t -> late(ctx));
                req.end().onComplete(done -> ctx.vertx().cancelTimer(timer)); // received whole, or the client went away
            }
            if (length != null) {
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
            if (req.isEnded() || !chunked(req) || req.path().startsWith("/q/")) {
                ctx.next();
                return;
            }
            readChunked(ctx);
        });
        // a request this filter answered (413, 408) and whose connection it then closed: the reader of its body fails
        // on the closed connection, which is expected, not a server error to log; any other failure goes on
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            if (ctx.get(ANSWERED) == null || !closed(ctx.failure())) {
                ctx.next();
            }
        });
    }

    /**
     * Whether a request has a body to wait for. {@code isEnded()} cannot tell: a request is paused from its headers
     * until it is read, and one without a body (a GET) only ends when its answer has, which may stream for minutes.
     * HTTP/1 declares a body by Content-Length or chunked framing; HTTP/2 may have neither, and there a POST, PUT or
     * PATCH without a Content-Length is taken to have one.
     */
    static boolean hasBody(HttpServerRequest req, String length, long declared) {
        if (length != null) {
            return declared != 0;
        }
        if (req.version() == HttpVersion.HTTP_2) {
            HttpMethod m = req.method();
            return m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH;
        }
        return chunked(req);
    }

    /** Chunked framing, as the HTTP decoder reads it: in any Transfer-Encoding header, among comma-separated codings. */
    private static boolean chunked(HttpServerRequest req) {
        for (String header : req.headers().getAll("Transfer-Encoding")) {
            for (String coding : header.split(",")) {
                if (coding.trim().equalsIgnoreCase("chunked")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean closed(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpClosedException) {
                return true;
            }
        }
        return false;
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
        if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
            ctx.response().writeContinue(); // the client waits for the go-ahead; RESTEasy gives it only on its own reads
        }
        req.resume();
    }

    private void refuse(RoutingContext ctx, String what) {
        Problem p = new Problem(Problem.type("body-too-large"), "Request body too large", 413,
                "request bodies are limited to " + maxBytes + " bytes; " + what, null, null, Map.of("limit_bytes", maxBytes));
        ctx.put(ANSWERED, Boolean.TRUE);
        ctx.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE).end(Json.encode(p));
    }

    /**
     * The body deadline passed with the request still sending. Not yet answered: the client gets a 408 and the request
     * is ended. Answered already (its resource did not wait for the body, a 401 say): the rest of the body is not
     * wanted, and the request is ended. An answer still streaming is left alone (waiting for its end would take the
     * response's one close handler, which RESTEasy uses to cancel a stream whose client went away). An HTTP/2 request
     * without a length that has sent no byte of body is left alone: it may have ended with its headers, which the
     * server learns only once its resource reads the body (a bodyless POST whose resource does not read one).
     */
    private void late(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse res = ctx.response();
        if (req.isEnded() || ctx.get(DRAINING) != null || res.closed()) {
            return;
        }
        if (req.version() == HttpVersion.HTTP_2 && req.getHeader("Content-Length") == null && req.bytesRead() == 0) {
            return;
        }
        if (res.ended()) {
            stop(req);
            return;
        }
        if (res.headWritten()) {
            return; // an answer still streaming is left to finish; after it, the rest of the body is read and dropped
        }
        Problem p = new Problem(Problem.type("body-timeout"), "Request body too slow", 408,
                "a request body must arrive whole within " + bodyTimeoutMs + " ms of its headers; this one had sent "
                        + req.bytesRead() + " bytes by then", null, null, Map.of("timeout_ms", bodyTimeoutMs));
        try {
            res.setStatusCode(408).putHeader("Content-Type", Problem.MEDIA_TYPE);
            if (req.version() != HttpVersion.HTTP_2) {
                res.putHeader("Connection", "close");
            }
        } catch (IllegalStateException answeredMeanwhile) {
            return; // a resource on a worker thread began its answer since the check above
        }
        ctx.put(ANSWERED, Boolean.TRUE);
        res.end(Json.encode(p)).onComplete(written -> stop(req));
    }

    /** Reads and drops the rest of a refused body, within bounds; the connection is closed past them. */
    private void drain(RoutingContext ctx, long alreadySeen) {
        HttpServerRequest req = ctx.request();
        ctx.put(DRAINING, Boolean.TRUE);
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

    /**
     * Ends a request still sending after its complete answer: on HTTP/2 its stream (RST_STREAM NO_ERROR, as RFC 9113
     * section 8.1 allows; the connection's other streams go on), else its connection.
     */
    private static void stop(HttpServerRequest req) {
        if (req.version() == HttpVersion.HTTP_2) {
            req.response().reset();
        } else {
            close(req);
        }
    }
}
