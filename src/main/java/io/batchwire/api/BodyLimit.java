package io.batchwire.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Map;

/**
 * Refuses a request body over {@code quarkus.http.limits.max-body-size} from its Content-Length, before anything
 * reads it, with a problem+json 413 (the HTTP layer's own limit still guards bodies without a length).
 */
@ApplicationScoped
public class BodyLimit {

    private final long maxBytes;

    public BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize max) {
        this.maxBytes = max.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            long declared;
            try {
                declared = length == null ? -1 : Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared > maxBytes) {
                Problem p = new Problem(Problem.type("body-too-large"), "Request body too large", 413,
                        "request bodies are limited to " + maxBytes + " bytes; this one declares " + declared,
                        null, null, Map.of("limit_bytes", maxBytes));
                ctx.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .putHeader("Connection", "close").end(Json.encode(p));
                return;
            }
            ctx.next();
        });
    }
}
