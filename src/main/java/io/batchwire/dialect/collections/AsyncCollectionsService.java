package io.batchwire.dialect.collections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.api.Problem.FieldError;
import io.batchwire.api.ProblemException;
import io.batchwire.collection.CreateCollectionRequest;
import io.batchwire.dialect.DialectsConfig;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns seed 003's collection requests into the engine's http records: a {@code url} without a scheme gets the
 * configured default one; {@code browser}, {@code screenshot} and {@code actions} are accepted when they ask for
 * nothing (false, empty) and dropped; a request that needs a browser is refused with a 422, since this service has no
 * rendering upstream ({@code batchwire.upstreams.browser.*} is not implemented yet). Everything else is checked by
 * {@link io.batchwire.collection.CollectionService}, as for {@code POST /v1/collections}.
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
        List<FieldError> needsBrowser = new ArrayList<>();
        for (int i = 0; i < request.requests().size(); i++) {
            JsonNode r = request.requests().get(i);
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
            boolean browser = copy.path("browser").asBoolean(false);
            boolean screenshot = copy.path("screenshot").asBoolean(false);
            JsonNode actions = copy.get("actions");
            boolean hasActions = actions != null && !actions.isNull() && !(actions.isArray() && actions.isEmpty());
            if (browser || screenshot || hasActions) {
                needsBrowser.add(new FieldError("requests[" + i + "]", "requests[" + i + "] asks for a browser ("
                        + (browser ? "browser: true" : screenshot ? "screenshot: true" : "actions") + ")"));
            }
            copy.remove(List.of("browser", "screenshot", "actions"));
            out.add(copy);
        }
        if (!needsBrowser.isEmpty()) {
            throw new ProblemException(422, "no-renderer", "No rendering upstream",
                    needsBrowser.size() + " request(s) need a browser (browser, screenshot or actions), and this service "
                            + "has no rendering upstream configured; send them with browser: false, or ask the operator",
                    needsBrowser.getFirst().field(), needsBrowser, Map.of(), Map.of());
        }
        return new CreateCollectionRequest(request.name(), out, request.webhookUrl());
    }
}
