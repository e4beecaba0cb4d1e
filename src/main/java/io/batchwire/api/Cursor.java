package io.batchwire.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque page cursors: base64url of a small JSON object that names the query it belongs to ({@code q}) and the
 * last key seen. A cursor from another query, or one that does not decode, is a 400.
 */
public final class Cursor {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Cursor() {
    }

    public static String encode(ObjectNode state) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(state.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static ObjectNode newState(String query) {
        return JSON.createObjectNode().put("q", query);
    }

    /** Decodes a cursor issued for {@code query}; null when there is no cursor. */
    public static JsonNode decode(String cursor, String query) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            if (cursor.length() > 512) {
                throw ProblemException.badCursor();
            }
            JsonNode node = JSON.readTree(Base64.getUrlDecoder().decode(cursor));
            if (node == null || !node.isObject() || !query.equals(node.path("q").asText())) {
                throw ProblemException.badCursor();
            }
            return node;
        } catch (ProblemException e) {
            throw e;
        } catch (Exception e) {
            throw ProblemException.badCursor();
        }
    }
}
