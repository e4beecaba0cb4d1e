package io.batchwire.api;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The AsyncAPI 3.0 document of the topics is a static file, {@code /asyncapi.json} (src/main/resources/META-INF/
 * resources, beside the event data's JSON Schema it refers to); {@code /q/asyncapi} points there, next to
 * {@code /q/openapi}.
 */
@ApplicationScoped
public class AsyncApiRoute {

    void routes(@Observes Router router) {
        router.get("/q/asyncapi").handler(rc -> rc.redirect("/asyncapi.json"));
    }
}
