package io.batchwire.dialect.collections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.collection.CreateCollectionRequest;
import io.batchwire.dialect.DialectsConfig;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns seed 003's collection requests into the engine's http records: a {@code url} without a scheme gets the
 * configured default one; a request that needs a browser ({@code browser: true}, {@code screenshot: true} or
 * {@code actions}) becomes a browser request ({@code browser: true}, which the engine sends to the rendering upstream,
 * or refuses with 422 when none is configured); {@code browser}, {@code screenshot} and {@code actions} that ask for
 * nothing (false, empty) are dropped. Everything else is checked by {@link io.batchwire.collection.CollectionService},
 * as for {@code POST /v1/collections}.
 */
@ApplicationScoped
public class AsyncCollectionsService {

    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*", Pattern.DOTALL);

    private final DialectsConfig config;

    public AsyncCollectionsService(DialectsConfig config) {
        this.config = config;
    }

    CreateCollectionRequest normalize(CreateCollectionRequest request) {
        if (request == null || request.requests() == null) {
            return request;
        }
        List<JsonNode> out = new ArrayList<>(request.requests().size());
        for (JsonNode r : request.requests()) {
            if (!(r instanceof ObjectNode o)) {
                out.add(r);
                continue;
            }
            ObjectNode copy = o.deepCopy();
            JsonNode url = copy.get("url");
            if (url != null && url.isTextual() && !url.asText().isBlank() && !SCHEME.matcher(url.asText()).matches()
                    && !url.asText().startsWith("/")) {
                copy.put("url", config.collections().defaultScheme() + "://" + url.asText().strip());
            }
            JsonNode browser = copy.get("browser");
            JsonNode screenshot = copy.get("screenshot");
            JsonNode actions = copy.get("actions");
            boolean asks = isTrue(browser) || isTrue(screenshot)
                    || (actions != null && !actions.isNull() && !(actions.isArray() && actions.isEmpty()));
            if (asks) {
                // the engine checks them (types, the renderer's actions) and says what is wrong
                if (browser == null || browser.isNull() || (browser.isBoolean() && !browser.booleanValue())) {
                    copy.put("browser", true);
                }
                if (screenshot != null && screenshot.isBoolean() && !screenshot.booleanValue()) {
                    copy.remove("screenshot");
                }
            } else if (isFalsy(browser) && isFalsy(screenshot) && isFalsy(actions)) {
                copy.remove(List.of("browser", "screenshot", "actions"));
            }
            out.add(copy);
        }
        return new CreateCollectionRequest(request.name(), out, request.webhookUrl(), request.requestTimeoutSeconds());
    }

    private static boolean isTrue(JsonNode n) {
        return n != null && n.isBoolean() && n.booleanValue();
    }

    /** Absent, null, false or an empty array: asks for nothing. */
    private static boolean isFalsy(JsonNode n) {
        return n == null || n.isNull() || (n.isBoolean() && !n.booleanValue()) || (n.isArray() && n.isEmpty());
    }
}
