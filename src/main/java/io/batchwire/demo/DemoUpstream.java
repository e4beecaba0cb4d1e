package io.batchwire.demo;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A built-in, offline stand-in for enrichment APIs, served by the service itself under {@code /demo/upstream}
 * when {@code batchwire.demo.enabled=true} (the {@code demo} profile). It answers after a short random latency
 * and makes up plausible data, so the quickstart needs nothing from the internet.
 */
@ApplicationScoped
public class DemoUpstream {

    private final boolean enabled;
    private final int minLatencyMs;
    private final int maxLatencyMs;
    private final Vertx vertx;

    public DemoUpstream(@ConfigProperty(name = "batchwire.demo.enabled", defaultValue = "false") boolean enabled,
                        @ConfigProperty(name = "batchwire.demo.min-latency-ms", defaultValue = "20") int minLatencyMs,
                        @ConfigProperty(name = "batchwire.demo.max-latency-ms", defaultValue = "120") int maxLatencyMs,
                        Vertx vertx) {
        this.enabled = enabled;
        this.minLatencyMs = minLatencyMs;
        this.maxLatencyMs = Math.max(minLatencyMs, maxLatencyMs);
        this.vertx = vertx;
    }

    void routes(@Observes Router router) {
        if (!enabled) {
            return;
        }
        router.get("/demo/upstream/companies").handler(ctx -> later(ctx, company(ctx.queryParams().get("domain"))));
        router.get("/demo/upstream/people").handler(ctx -> later(ctx, person(ctx.queryParams().get("email"))));
        router.post("/demo/upstream/emails/verify").handler(BodyHandler.create().setBodyLimit(64 * 1024))
                .handler(ctx -> {
                    JsonObject body = ctx.body().asJsonObject();
                    String email = body == null ? null : body.getString("email");
                    later(ctx, email == null ? null : new JsonObject().put("email", email)
                            .put("deliverable", !email.toLowerCase(Locale.ROOT).startsWith("no-reply"))
                            .put("score", ThreadLocalRandom.current().nextInt(50, 100)));
                });
        router.post("/demo/upstream/organizations").handler(BodyHandler.create().setBodyLimit(64 * 1024))
                .handler(this::organizations);
        router.post("/demo/upstream/render").handler(BodyHandler.create().setBodyLimit(64 * 1024)).handler(this::render);
    }

    /** The longest the demo renderer waits for one request's wait-for-timeout actions. */
    static final long MAX_RENDER_WAIT_MS = 30_000;
    /** A 1x1 PNG: the demo renderer's screenshot of every page. */
    static final String SCREENSHOT = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    /**
     * A stand-in rendering upstream (a headless-browser service) for the quickstart: takes {@code {url, screenshot,
     * actions}}, waits the actions' {@code wait-for-timeout} times (at most 30 s in all), and answers
     * {@code {html, screenshot, status_code}} with a made-up page of the URL's host; it fetches nothing.
     */
    private void render(RoutingContext ctx) {
        JsonObject asked;
        try {
            asked = ctx.body().asJsonObject();
        } catch (RuntimeException notJson) {
            asked = null;
        }
        String url = asked == null ? null : asked.getString("url");
        if (url == null) {
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"the request must be {url, screenshot, actions}\"}");
            return;
        }
        io.vertx.core.json.JsonArray actions = asked.getJsonArray("actions", new io.vertx.core.json.JsonArray());
        long wait = 0;
        for (Object a : actions) {
            if (a instanceof JsonObject o && "wait-for-timeout".equals(o.getString("type")) && o.getValue("time") instanceof Number t) {
                wait += Math.max(0, t.longValue());
            }
        }
        String host;
        try {
            host = java.net.URI.create(url).getHost();
        } catch (IllegalArgumentException bad) {
            host = null;
        }
        String title = host == null ? "page" : host.replace("<", "").replace("&", "");
        JsonObject page = new JsonObject()
                .put("html", "<!doctype html><html><head><title>" + title + "</title></head><body><h1>" + title
                        + "</h1><p>Rendered by the Batchwire demo renderer after " + actions.size()
                        + " action(s).</p></body></html>")
                .put("screenshot", asked.getBoolean("screenshot", false) ? SCREENSHOT : null)
                .put("status_code", 200);
        vertx.setTimer(Math.max(1, Math.min(wait, MAX_RENDER_WAIT_MS)), t ->
                ctx.response().putHeader("Content-Type", "application/json").end(page.encode()));
    }

    /** The most organizations one query of the demo endpoint may ask for. */
    static final long MAX_ORGANIZATIONS = 10_000_000;
    static final int ORGANIZATIONS_PAGE = 1000;

    /**
     * A paginated sync endpoint, as the export dialect's upstream: {@code {"limit": N, "country": "FI"}} (N made-up
     * organizations, default 2,500) answers {@code {"results": [...], "next": cursor}} a page of 1,000 at a time; the
     * next page is asked for with {@code "cursor"} in the payload. Rows are numbered, so every export is checkable.
     */
    private void organizations(RoutingContext ctx) {
        JsonObject query;
        try {
            query = ctx.body().asJsonObject();
        } catch (RuntimeException notJson) {
            query = null;
        }
        if (query == null) {
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"the query must be a JSON object\"}");
            return;
        }
        Object limitField = query.getValue("limit", 2500);
        if (!(limitField instanceof Number n) || n.longValue() < 0 || n.longValue() > MAX_ORGANIZATIONS) {
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"'limit' must be a number from 0 to " + MAX_ORGANIZATIONS + "\"}");
            return;
        }
        long total = n.longValue();
        String country = query.getString("country", "FI");
        long from;
        try {
            from = query.getString("cursor") == null ? 0 : Long.parseLong(query.getString("cursor"));
        } catch (RuntimeException badCursor) {
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"unknown cursor\"}");
            return;
        }
        long to = Math.min(total, from + ORGANIZATIONS_PAGE);
        io.vertx.core.json.JsonArray rows = new io.vertx.core.json.JsonArray();
        for (long i = from; i < to; i++) {
            rows.add(new JsonObject().put("business_id", String.format(Locale.ROOT, "%07d-%d", i, i % 10))
                    .put("name", "Demo Organization " + i).put("website", "https://org-" + i + ".example")
                    .put("country", country).put("employees", 1 + (i * 7919) % 5000));
        }
        later(ctx, new JsonObject().put("results", rows).put("next", to < total ? String.valueOf(to) : null));
    }


    private void later(RoutingContext ctx, JsonObject answer) {
        long delay = ThreadLocalRandom.current().nextLong(minLatencyMs, maxLatencyMs + 1);
        vertx.setTimer(Math.max(1, delay), t -> {
            if (answer == null) {
                ctx.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                        .end("{\"error\":\"not found\"}");
            } else {
                ctx.response().putHeader("Content-Type", "application/json").end(answer.encode());
            }
        });
    }

    private static JsonObject company(String domain) {
        if (domain == null || domain.isBlank() || domain.startsWith("unknown")) {
            return null;
        }
        String name = domain.split("\\.")[0];
        int h = Math.abs(domain.hashCode());
        return new JsonObject().put("domain", domain)
                .put("name", Character.toUpperCase(name.charAt(0)) + name.substring(1))
                .put("employees", 10 + h % 5000).put("founded", 1990 + h % 35)
                .put("industry", new String[]{"software", "retail", "finance", "logistics"}[h % 4]);
    }

    private static JsonObject person(String email) {
        if (email == null || !email.contains("@")) {
            return null;
        }
        String local = email.substring(0, email.indexOf('@'));
        return new JsonObject().put("email", email).put("name", local.replace('.', ' '))
                .put("title", new String[]{"Engineer", "Founder", "Analyst"}[Math.abs(email.hashCode()) % 3]);
    }
}
