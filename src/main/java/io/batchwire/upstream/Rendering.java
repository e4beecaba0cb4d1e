package io.batchwire.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.api.Problem.FieldError;
import io.batchwire.api.ProblemException;
import io.vertx.core.buffer.Buffer;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Requests that need a browser, and the rendering upstream's protocol (the one home of both). An {@code http} record
 * with {@code browser: true} (optionally {@code screenshot} and {@code actions}) is a page load that the rendering
 * upstream ({@code batchwire.upstreams.browser}, kind {@code render}) makes: it is POSTed
 * {@code {url, screenshot, actions}} and answers JSON with the page's HTML, an optional base64 screenshot and the
 * status the page answered with. The record's result is {@code {html, screenshot}}.
 */
final class Rendering {

    /** The fields of a browser request; an http record has these besides url, method, headers and body. */
    static final Set<String> FIELDS = Set.of("url", "browser", "screenshot", "actions");
    static final Set<String> OPTIONS = Set.of("browser", "screenshot", "actions");
    static final String WAIT_FOR_TIMEOUT = "wait-for-timeout";

    private Rendering() {
    }

    /** Whether an http record is a browser request ({@code browser: true}); on every record's path, so cheap. */
    static boolean wanted(JsonNode input) {
        JsonNode b = input.get("browser");
        return b != null && b.isBoolean() && b.booleanValue();
    }

    /** The 422 of a browser request where no rendering upstream is configured. */
    static ProblemException notConfigured(String at) {
        return new ProblemException(422, "no-renderer", "No rendering upstream",
                at + " asks for a browser (browser: true, screenshot or actions), and this service has no rendering "
                        + "upstream configured (batchwire.upstreams." + UpstreamConfig.RENDERER + ".*); send it without "
                        + "browser, screenshot and actions, or ask the operator to configure one",
                at + ".browser", List.of(new FieldError(at + ".browser", "no rendering upstream is configured")),
                Map.of(), Map.of());
    }

    /**
     * The browser fields of an http record: {@code browser} a boolean; {@code screenshot} and {@code actions} only with
     * {@code browser: true}; a browser request is a plain page load (GET, no headers, no body), checked against the
     * renderer's options. 422 when it asks for a browser and there is no renderer.
     */
    static void checkHttpRecord(JsonNode record, String at, Upstream renderer, List<FieldError> errors) {
        JsonNode browser = record.get("browser");
        if (browser != null && !browser.isNull() && !browser.isBoolean()) {
            errors.add(new FieldError(at + ".browser", "'browser' must be true or false"));
            return;
        }
        if (!wanted(record)) {
            if (record.path("screenshot").asBoolean(false) || hasActions(record)) {
                errors.add(new FieldError(at + ".browser", "'screenshot' and 'actions' need 'browser': true"));
            }
            return;
        }
        if (renderer == null) {
            throw notConfigured(at);
        }
        String method = record.path("method").asText("GET");
        if (!method.equalsIgnoreCase("GET")) {
            errors.add(new FieldError(at + ".method", "a browser request is a page load: its method is GET"));
        }
        for (String f : List.of("headers", "body")) {
            JsonNode v = record.get(f);
            if (v != null && !v.isNull() && !(v.isObject() && v.isEmpty())) {
                errors.add(new FieldError(at + "." + f, "a browser request is a page load: it has no '" + f + "'"));
            }
        }
        checkOptions(renderer.config(), record, at, errors);
    }

    private static boolean hasActions(JsonNode record) {
        JsonNode actions = record.get("actions");
        return actions != null && !actions.isNull() && !(actions.isArray() && actions.isEmpty());
    }

    /** {@code screenshot} a boolean; {@code actions} an array of the renderer's action types, each an object. */
    static void checkOptions(UpstreamConfig.Upstream cfg, JsonNode record, String at, List<FieldError> errors) {
        JsonNode shot = record.get("screenshot");
        if (shot != null && !shot.isNull() && !shot.isBoolean()) {
            errors.add(new FieldError(at + ".screenshot", "'screenshot' must be true or false"));
        }
        JsonNode actions = record.get("actions");
        if (actions == null || actions.isNull()) {
            return;
        }
        if (!actions.isArray()) {
            errors.add(new FieldError(at + ".actions", "'actions' must be an array of {type, ...} objects"));
            return;
        }
        if (actions.size() > cfg.maxActions()) {
            errors.add(new FieldError(at + ".actions", "at most " + cfg.maxActions() + " actions per request"));
            return;
        }
        long maxWait = cfg.timeout().toMillis();
        for (int i = 0; i < actions.size(); i++) {
            String where = at + ".actions[" + i + "]";
            JsonNode a = actions.get(i);
            JsonNode type = a.get("type");
            if (!a.isObject() || type == null || !type.isTextual()) {
                errors.add(new FieldError(where, "an action is an object with a 'type'"));
                continue;
            }
            String t = type.asText().toLowerCase(Locale.ROOT);
            if (cfg.actionTypes().stream().noneMatch(s -> s.trim().equalsIgnoreCase(t))) {
                errors.add(new FieldError(where + ".type", "unknown action type '" + type.asText() + "'; the renderer "
                        + "supports " + cfg.actionTypes()));
            } else if (t.equals(WAIT_FOR_TIMEOUT)) {
                JsonNode time = a.get("time");
                if (time == null || !time.isIntegralNumber() || time.asLong() < 0 || time.asLong() >= maxWait) {
                    errors.add(new FieldError(where + ".time", "'time' of wait-for-timeout is a number of milliseconds "
                            + "from 0 to below the renderer's timeout (" + maxWait + ")"));
                }
            }
        }
    }

    /** A record of a {@code render} upstream itself (a job of type browser): url, screenshot, actions. */
    static void checkRenderRecord(UpstreamConfig.Upstream cfg, JsonNode record, String at, List<FieldError> errors) {
        for (var it = record.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                errors.add(new FieldError(at + "." + f, "unknown field '" + f + "'; a browser request has url, screenshot, actions"));
            }
        }
        JsonNode browser = record.get("browser");
        if (browser != null && !browser.isNull() && !(browser.isBoolean() && browser.booleanValue())) {
            errors.add(new FieldError(at + ".browser", "a request of a rendering upstream is a browser request ('browser' is true if given)"));
        }
        checkOptions(cfg, record, at, errors);
    }

    /** What the renderer is sent for one request. */
    static Buffer requestBody(JsonNode input) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("url", input.path("url").asText());
        body.put("screenshot", input.path("screenshot").asBoolean(false));
        JsonNode actions = input.get("actions");
        body.set("actions", actions == null || actions.isNull() ? body.arrayNode() : actions);
        return Buffer.buffer(body.toString());
    }

    /** A renderer's 2xx answer, read: the page's status (null if not said), HTML and screenshot; or what is wrong. */
    record Page(Integer status, String html, String screenshot, String problem) {

        /** The record's result: {@code {html, screenshot}}. */
        ObjectNode result() {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("html", html);
            out.put("screenshot", screenshot);
            return out;
        }
    }

    static Page read(UpstreamConfig.Upstream cfg, ObjectReader reader, Buffer body) {
        JsonNode answer;
        try {
            answer = reader.readTree(body.getBytes());
        } catch (Exception notJson) {
            answer = null;
        }
        if (answer == null || !answer.isObject()) {
            return bad("the renderer's answer is not a JSON object");
        }
        JsonNode html = answer.get(cfg.htmlField());
        if (html == null || !html.isTextual()) {
            return bad("the renderer's answer has no '" + cfg.htmlField() + "' string");
        }
        JsonNode shot = answer.get(cfg.screenshotField());
        String screenshot = null;
        if (shot != null && !shot.isNull()) {
            if (!shot.isTextual() || !isBase64(shot.asText())) {
                return bad("the renderer's '" + cfg.screenshotField() + "' is not a base64 string");
            }
            screenshot = shot.asText();
        }
        JsonNode status = answer.get(cfg.statusField());
        Integer code = null;
        if (status != null && !status.isNull()) {
            if (!status.isIntegralNumber() || status.asInt() < 100 || status.asInt() > 599) {
                return bad("the renderer's '" + cfg.statusField() + "' is not an HTTP status code");
            }
            code = status.asInt();
        }
        return new Page(code, html.asText(), screenshot, null);
    }

    private static Page bad(String problem) {
        return new Page(null, null, null, problem);
    }

    private static boolean isBase64(String s) {
        try {
            Base64.getDecoder().decode(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The start of the HTML as the block-page scan reads it. */
    static Buffer scanned(UpstreamConfig.Upstream cfg, String html) {
        return Buffer.buffer(html.length() > cfg.blockScanBytes() ? html.substring(0, cfg.blockScanBytes()) : html);
    }
}
