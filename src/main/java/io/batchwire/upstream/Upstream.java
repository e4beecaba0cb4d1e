package io.batchwire.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.api.Problem.FieldError;
import io.batchwire.api.ProblemException;
import io.batchwire.outbound.HostPatterns;
import io.batchwire.outbound.OutboundClient;
import io.batchwire.outbound.OutboundPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.Vertx;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One configured upstream at run time: how its records are validated and turned into requests,
 * its HTTP client (pool sized to its concurrency), and its limits.
 */
public final class Upstream {

    private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");
    private static final Set<String> HTTP_RECORD_FIELDS = Set.of("url", "method", "headers", "body");
    /** Headers a record may not set: the connection's own, the proxies', and what the client computes. */
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "connection", "keep-alive", "te", "trailer",
            "transfer-encoding", "upgrade", "content-length", "expect", "forwarded", "via");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}");
    static final int MAX_FIELD_CHARS = 2048;

    private final String type;
    private final UpstreamConfig.Upstream config;
    /** A template upstream's URL (null for other kinds). */
    private final UrlTemplate template;
    /** The method of a template upstream's calls and of an export's page calls, from {@code method}. */
    private final HttpMethod method;
    private final HostPatterns allowedHosts;
    private final OutboundPolicy policy;
    private final OutboundClient client;
    private final UpstreamLimits limits;
    private final com.fasterxml.jackson.core.JsonFactory pageParsers;
    /** An http upstream's rendering upstream (browser requests go there), or null. */
    private Upstream renderer;

    Upstream(String type, UpstreamConfig.Upstream config, Vertx vertx, OutboundPolicy policy,
             UpstreamLimits.Scheduler scheduler) {
        this.type = type;
        this.config = config;
        this.policy = policy;
        if (config.kind() == UpstreamConfig.Kind.RENDER && config.url().isEmpty()) {
            throw new IllegalArgumentException("batchwire.upstreams." + type + ".url (the renderer's endpoint) is required");
        }
        this.template = config.kind() == UpstreamConfig.Kind.TEMPLATE ? UrlTemplate.parse(config.url().orElseThrow(() ->
                new IllegalArgumentException("batchwire.upstreams." + type + ".url is required"))) : null;
        this.method = HttpMethod.valueOf(config.method().toUpperCase(Locale.ROOT));
        this.allowedHosts = OutboundPolicy.hosts(config.allowedHosts().orElse(List.of()));
        this.client = new OutboundClient(vertx.getDelegate(),
                OutboundClient.options(config.concurrency(), config.connectTimeout()));
        this.limits = new UpstreamLimits(type, config, scheduler);
        this.pageParsers = PageReader.factory(config.maxRowBytes());
    }

    public String type() {
        return type;
    }

    public UpstreamConfig.Upstream config() {
        return config;
    }

    /** Its limits on this replica: a slice of the cluster-wide ones, an adaptive cap, pauses. */
    public UpstreamLimits limits() {
        return limits;
    }

    void close() {
        client.close();
    }

    /** Makes {@code renderer} (a {@code render} upstream) the one this http upstream's browser requests go to. */
    void renderWith(Upstream renderer) {
        this.renderer = renderer;
    }

    /**
     * The upstream that makes the call for one record: the rendering upstream for an http browser request
     * ({@code browser: true}), else this one. Its limits, time-outs, answer cap and retries are the ones that apply.
     */
    public Upstream route(JsonNode input) {
        return renderer != null && Rendering.wanted(input) ? renderer : this;
    }

    boolean renders() {
        return config.kind() == UpstreamConfig.Kind.RENDER;
    }

    /** Checks one record against this upstream; adds what is wrong to {@code errors}. */
    public void validate(JsonNode record, String at, List<FieldError> errors) {
        if (!record.isObject()) {
            errors.add(new FieldError(at, "a record must be a JSON object"));
            return;
        }
        if (config.kind() == UpstreamConfig.Kind.HTTP) {
            validateHttp(record, at, errors);
            return;
        }
        if (renders()) {
            checkUrl(record, at, errors);
            Rendering.checkRenderRecord(config, record, at, errors);
            return;
        }
        for (String name : template.names()) {
            JsonNode v = record.get(name);
            if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
                errors.add(new FieldError(at + "." + name, "'" + name + "' is required for type " + type));
            } else if (!v.isTextual() && !v.isNumber()) {
                errors.add(new FieldError(at + "." + name, "'" + name + "' must be a string or a number"));
            } else if (v.asText().length() > MAX_FIELD_CHARS) {
                errors.add(new FieldError(at + "." + name, "'" + name + "' is longer than " + MAX_FIELD_CHARS + " characters"));
            }
        }
    }

    /** The record's {@code url}: present, not too long, and allowed by the outbound policy and this upstream's hosts. */
    private void checkUrl(JsonNode record, String at, List<FieldError> errors) {
        JsonNode url = record.get("url");
        if (url == null || !url.isTextual() || url.asText().isBlank()) {
            errors.add(new FieldError(at + ".url", "'url' is required and must be a string"));
        } else if (url.asText().length() > MAX_FIELD_CHARS) {
            errors.add(new FieldError(at + ".url", "'url' is longer than " + MAX_FIELD_CHARS + " characters"));
        } else {
            try {
                policy.checkGiven(url.asText(), "url", allowedHosts);
            } catch (ProblemException e) {
                errors.add(new FieldError(at + ".url", e.getMessage()));
            }
        }
    }

    private void validateHttp(JsonNode record, String at, List<FieldError> errors) {
        for (Iterator<String> it = record.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!HTTP_RECORD_FIELDS.contains(f) && !Rendering.OPTIONS.contains(f)) {
                errors.add(new FieldError(at + "." + f, "unknown field '" + f
                        + "'; an http record has url, method, headers, body (and browser, screenshot, actions)"));
            }
        }
        Rendering.checkHttpRecord(record, at, renderer, errors);
        if (Rendering.wanted(record) && renderer != null && !renderer.allowedHosts.isEmpty()) {
            renderer.checkUrl(record, at, errors);
        }
        checkUrl(record, at, errors);
        JsonNode method = record.get("method");
        if (method != null && (!method.isTextual() || !HTTP_METHODS.contains(method.asText().toUpperCase(Locale.ROOT)))) {
            errors.add(new FieldError(at + ".method", "'method' must be one of " + HTTP_METHODS));
        }
        JsonNode headers = record.get("headers");
        if (headers != null && !headers.isNull()) {
            if (!headers.isObject()) {
                errors.add(new FieldError(at + ".headers", "'headers' must be an object of strings"));
            } else {
                headers.properties().forEach(h -> {
                    String name = h.getKey();
                    String lower = name.toLowerCase(Locale.ROOT);
                    if (!TOKEN.matcher(name).matches()) {
                        errors.add(new FieldError(at + ".headers", "'" + name + "' is not a valid header name"));
                    } else if (RESERVED_HEADERS.contains(lower) || lower.startsWith("proxy-")) {
                        errors.add(new FieldError(at + ".headers." + name, "a record may not set the '" + name + "' header"));
                    } else if (!h.getValue().isTextual()) {
                        errors.add(new FieldError(at + ".headers." + name, "header values must be strings"));
                    } else if (h.getValue().asText().chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                        errors.add(new FieldError(at + ".headers." + name, "a header value may not hold CR, LF or NUL"));
                    }
                });
            }
        }
    }

    /**
     * The request for one record. An {@code http} record's URL is the tenant's: it goes through the outbound policy
     * (resolved once, every address checked, and the call pinned to the checked one); a template upstream's URL is
     * the operator's.
     */
    public Uni<OutboundClient.Request> prepare(JsonNode input) {
        OutboundClient.Request now = prepareAtOnce(input);
        return now != null ? Uni.createFrom().item(now) : prepareChecked(input);
    }

    /**
     * The request for one record when it needs no outbound-policy check (a template upstream's: its URL is the
     * operator's), built at once; null when it does ({@link #prepare}). The record's path takes one asynchronous step
     * less this way.
     */
    public OutboundClient.Request prepareAtOnce(JsonNode input) {
        if (renders() || config.kind() == UpstreamConfig.Kind.HTTP) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", USER_AGENT);
        headers.putAll(config.headers());
        headers.put("Accept", "application/json");
        Buffer buffer = null;
        if (method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH) {
            ObjectNode body = ((ObjectNode) input).deepCopy();
            body.remove("custom_id");
            buffer = Buffer.buffer(body.toString());
            headers.put("Content-Type", "application/json");
        }
        return template.origin() == null ? OutboundClient.Request.toUrl(template.expand(input), method, headers, buffer)
                : OutboundClient.Request.at(template.origin(), template.expand(input), method, headers, buffer);
    }

    /** A rendering or {@code http} record's request: its target URL is checked by the outbound policy first. */
    private Uni<OutboundClient.Request> prepareChecked(JsonNode input) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", USER_AGENT);
        if (renders()) {
            // the page's URL is the tenant's: checked as any http record's (the renderer should hold its own egress
            // rules too, since it resolves the name again); the renderer's URL is the operator's
            headers.putAll(config.headers());
            headers.put("Content-Type", "application/json");
            headers.put("Accept", "application/json");
            Buffer body = Rendering.requestBody(input);
            String renderUrl = config.url().orElseThrow();
            return policy.target(input.path("url").asText(), allowedHosts)
                    .map(checked -> OutboundClient.Request.toUrl(renderUrl, HttpMethod.POST, headers, body));
        }
        // an http record (prepareAtOnce builds every template one)
        if (Rendering.wanted(input)) {
            throw new IllegalStateException("it asks for a browser and no rendering upstream ("
                    + UpstreamConfig.RENDERER + ") is configured any more");
        }
        HttpMethod method = HttpMethod.valueOf(input.path("method").asText("GET").toUpperCase(Locale.ROOT));
        input.path("headers").properties().forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
        headers.putAll(config.headers());
        JsonNode body = input.get("body");
        Buffer buffer = null;
        if (body != null && !body.isNull()) {
            buffer = Buffer.buffer(body.isTextual() ? body.asText() : body.toString());
            if (!body.isTextual() && headers.keySet().stream().noneMatch("content-type"::equalsIgnoreCase)) {
                headers.put("Content-Type", "application/json");
            }
        }
        Buffer payload = buffer;
        return policy.target(input.get("url").asText(), allowedHosts)
                .map(target -> OutboundClient.Request.to(target, method, headers, payload));
    }

    static final String USER_AGENT = "batchwire/1";

    boolean hasPlaceholders() {
        return template != null && !template.names().isEmpty();
    }

    /** The input of an export's page record: the client's payload and where the page starts (null: the first). */
    public static ObjectNode pageInput(ObjectNode template, JsonNode payload, JsonNode position) {
        ObjectNode out = template.objectNode();
        out.set("payload", payload);
        out.set("position", position == null ? template.nullNode() : position);
        return out;
    }

    /**
     * The request for one page of an export: the payload as the JSON body of {@code method} to {@code url}, with the
     * page's position set as the pagination says. A next link must be on the configured URL's scheme, host and port:
     * it comes from the upstream, and is not a way to make Batchwire call elsewhere.
     */
    public Uni<OutboundClient.Request> preparePage(JsonNode input) {
        JsonNode payload = input.path("payload");
        JsonNode position = input.path("position");
        String url = config.url().orElseThrow();
        ObjectNode body = payload.isObject() ? ((ObjectNode) payload).deepCopy() : new com.fasterxml.jackson.databind.node.ObjectNode(
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance);
        boolean first = position.isNull() || position.isMissingNode();
        switch (config.pagination()) {
            case NONE -> { }
            case NEXT_LINK -> {
                if (!first) {
                    url = position.asText();
                    java.net.URI given = java.net.URI.create(url);
                    java.net.URI base = java.net.URI.create(config.url().orElseThrow());
                    if (!base.getScheme().equalsIgnoreCase(String.valueOf(given.getScheme()))
                            || !base.getHost().equalsIgnoreCase(String.valueOf(given.getHost()))
                            || base.getPort() != given.getPort()) {
                        throw new IllegalArgumentException("the next link " + url + " is not on " + base.getHost());
                    }
                }
            }
            case CURSOR -> {
                if (!first) {
                    body.set(config.cursorParam(), position);
                }
            }
            case OFFSET -> {
                body.put(config.offsetParam(), first ? 0 : position.asLong());
                body.put(config.limitParam(), config.pageSize());
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", USER_AGENT);
        headers.putAll(config.headers());
        headers.put("Accept", "application/json");
        Buffer buffer = null;
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            buffer = Buffer.buffer(body.toString());
            headers.put("Content-Type", "application/json");
        }
        return Uni.createFrom().item(OutboundClient.Request.toUrl(url, method, headers, buffer));
    }

    /** A reader for one page's answer, bounded by {@code max-row-bytes} and {@code max-page-rows}. */
    public PageReader pageReader() {
        return new PageReader(pageParsers, config.rowsField(),
                config.pagination() == UpstreamConfig.Pagination.NEXT_LINK || config.pagination() == UpstreamConfig.Pagination.CURSOR
                        ? config.nextField() : null,
                config.maxRowBytes(), config.maxPageRows());
    }

    /**
     * One page as it was read ({@link PageReader}): {@code {"rows": [...], "next": position or null}}, each row the
     * upstream's own bytes (written out as they are, never parsed again here). {@code input} is the page record's
     * input. A cursor or next link ends the export when it is absent, null or empty, or when the page has no rows.
     */
    public ObjectNode page(PageReader.Result read, JsonNode input) {
        com.fasterxml.jackson.databind.node.JsonNodeFactory nodes = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        com.fasterxml.jackson.databind.node.ArrayNode rows = nodes.arrayNode(read.rows().size());
        for (String row : read.rows()) {
            rows.add(nodes.rawValueNode(new com.fasterxml.jackson.databind.util.RawValue(row)));
        }
        JsonNode next = nodes.nullNode();
        switch (config.pagination()) {
            case NONE -> { }
            case NEXT_LINK, CURSOR -> {
                if (read.next() != null && !rows.isEmpty()) {
                    next = nodes.textNode(read.next());
                }
            }
            case OFFSET -> {
                if (rows.size() >= config.pageSize()) {
                    next = nodes.numberNode(input.path("position").asLong(0) + rows.size());
                }
            }
        }
        ObjectNode page = nodes.objectNode();
        page.set("rows", rows);
        page.set("next", next);
        return page;
    }

    /**
     * Sends one attempt: its whole answer within {@code max-response-bytes} and {@code deadline} (the upstream's
     * {@code timeout}, or less when the record's own time limit ends sooner).
     */
    Uni<OutboundClient.Response> send(OutboundClient.Request request, Duration deadline) {
        return client.send(request, config.maxResponseBytes(), deadline);
    }

    /**
     * Sends one attempt, its answer read by the reader {@code readers} gives for its status and headers, within
     * {@code max-response-bytes} and the attempt's deadline.
     */
    <T> Uni<OutboundClient.Answer<T>> receive(OutboundClient.Request request, Duration deadline,
                                              java.util.function.BiFunction<Integer, io.vertx.core.MultiMap, OutboundClient.BodyReader<T>> readers) {
        return client.receive(request, config.maxResponseBytes(), deadline, readers);
    }
}
