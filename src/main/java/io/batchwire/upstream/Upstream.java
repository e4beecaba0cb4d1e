package io.batchwire.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.api.Problem.FieldError;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configured upstream at run time: how its records are validated and turned into requests,
 * its HTTP client (pool sized to its concurrency), and its limits.
 */
public final class Upstream {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");
    private static final Set<String> HTTP_RECORD_FIELDS = Set.of("url", "method", "headers", "body");
    static final int MAX_FIELD_CHARS = 2048;

    private final String type;
    private final UpstreamConfig.Upstream config;
    private final List<String> placeholders;
    private final Set<String> allowedHosts;
    private final WebClient client;
    private final UpstreamLimits limits;

    Upstream(String type, UpstreamConfig.Upstream config, Vertx vertx, UpstreamLimits.Scheduler scheduler) {
        this.type = type;
        this.config = config;
        this.placeholders = new ArrayList<>();
        if (config.kind() == UpstreamConfig.Kind.TEMPLATE) {
            String url = config.url().orElseThrow(() ->
                    new IllegalArgumentException("batchwire.upstreams." + type + ".url is required"));
            Matcher m = PLACEHOLDER.matcher(url);
            while (m.find()) {
                placeholders.add(m.group(1));
            }
        }
        this.allowedHosts = Set.copyOf(config.allowedHosts().orElse(List.of()).stream()
                .map(h -> h.toLowerCase(Locale.ROOT)).toList());
        WebClientOptions options = new WebClientOptions()
                .setMaxPoolSize(config.concurrency())
                .setMaxWaitQueueSize(config.concurrency())
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setFollowRedirects(false)
                .setDecompressionSupported(true)
                .setUserAgent("batchwire/1");
        this.client = WebClient.create(vertx, options);
        this.limits = new UpstreamLimits(type, config, scheduler);
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
        for (String name : placeholders) {
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

    private void validateHttp(JsonNode record, String at, List<FieldError> errors) {
        for (Iterator<String> it = record.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!HTTP_RECORD_FIELDS.contains(f)) {
                errors.add(new FieldError(at + "." + f, "unknown field '" + f + "'; an http record has url, method, headers, body"));
            }
        }
        JsonNode url = record.get("url");
        if (url == null || !url.isTextual() || url.asText().isBlank()) {
            errors.add(new FieldError(at + ".url", "'url' is required and must be a string"));
        } else {
            String problem = checkUrl(url.asText());
            if (problem != null) {
                errors.add(new FieldError(at + ".url", problem));
            }
        }
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
                    if (!h.getValue().isTextual()) {
                        errors.add(new FieldError(at + ".headers." + h.getKey(), "header values must be strings"));
                    }
                });
            }
        }
    }

    private String checkUrl(String raw) {
        if (raw.length() > MAX_FIELD_CHARS) {
            return "'url' is longer than " + MAX_FIELD_CHARS + " characters";
        }
        URI uri;
        try {
            uri = new URI(raw);
        } catch (Exception e) {
            return "'url' is not a valid URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "'url' must be http or https";
        }
        if (uri.getHost() == null) {
            return "'url' has no host";
        }
        if (!allowedHosts.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
            return "host '" + uri.getHost() + "' is not allowed for type " + type;
        }
        return null;
    }

    /** The request for one record, and its body (or null). */
    public Prepared prepare(JsonNode input) {
        if (config.kind() == UpstreamConfig.Kind.HTTP) {
            HttpMethod method = HttpMethod.valueOf(input.path("method").asText("GET").toUpperCase(Locale.ROOT));
            HttpRequest<Buffer> req = client.requestAbs(method, input.get("url").asText());
            input.path("headers").properties().forEach(h -> req.putHeader(h.getKey(), h.getValue().asText()));
            config.headers().forEach(req::putHeader);
            JsonNode body = input.get("body");
            Buffer buffer = null;
            if (body != null && !body.isNull()) {
                buffer = Buffer.buffer(body.isTextual() ? body.asText() : body.toString());
                if (!body.isTextual() && req.headers().get("Content-Type") == null) {
                    req.putHeader("Content-Type", "application/json");
                }
            }
            return new Prepared(req, buffer);
        }
        String url = config.url().orElseThrow();
        Matcher m = PLACEHOLDER.matcher(url);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = input.path(m.group(1)).asText();
            m.appendReplacement(sb, Matcher.quoteReplacement(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        }
        m.appendTail(sb);
        HttpMethod method = HttpMethod.valueOf(config.method().toUpperCase(Locale.ROOT));
        HttpRequest<Buffer> req = client.requestAbs(method, sb.toString());
        config.headers().forEach(req::putHeader);
        req.putHeader("Accept", "application/json");
        Buffer buffer = null;
        if (method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH) {
            ObjectNode body = ((ObjectNode) input).deepCopy();
            body.remove("custom_id");
            buffer = Buffer.buffer(body.toString());
            req.putHeader("Content-Type", "application/json");
        }
        return new Prepared(req, buffer);
    }

    public record Prepared(HttpRequest<Buffer> request, Buffer body) {
    }

    public Map<String, String> describe() {
        return Map.of("type", type, "kind", config.kind().name().toLowerCase(Locale.ROOT),
                "concurrency", String.valueOf(config.concurrency()));
    }
}
