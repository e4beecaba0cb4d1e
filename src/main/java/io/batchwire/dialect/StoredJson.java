package io.batchwire.dialect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What the dialects' bodies share: stored JSON (a record's input, result, error) and timestamps as they show them. */
public final class StoredJson {

    private StoredJson() {
    }

    /** JSON the store kept as text, as a tree for a dialect's body; JSON null for none. */
    public static JsonNode parse(ObjectMapper json, String text) {
        if (text == null) {
            return json.nullNode();
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is not JSON", e);
        }
    }

    /** A value (a timestamp, say) in its ISO text form, or null. */
    public static String text(Object o) {
        return o == null ? null : o.toString();
    }
}
