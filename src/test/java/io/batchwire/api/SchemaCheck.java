package io.batchwire.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a JSON value against a schema of an OpenAPI 3.1 document, as strictly as a generated client reads it: every
 * key of an object must be a declared property (unless the schema allows more), types and enums must match, all the
 * way down through {@code $ref}s, arrays and nested objects. {@code null} is accepted anywhere (the document does not
 * declare nullability; generated clients map every property to a nullable type).
 */
final class SchemaCheck {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String REF = "#/components/schemas/";

    private final JsonNode doc;

    SchemaCheck(JsonNode doc) {
        this.doc = doc;
    }

    JsonNode doc() {
        return doc;
    }

    /** The schema of an answer, or null when the document declares none for that operation, status and media type. */
    JsonNode responseSchema(String method, String path, int status, String mediaType) {
        JsonNode media = doc.path("paths").path(path).path(method.toLowerCase()).path("responses").path(String.valueOf(status))
                .path("content").path(mediaType);
        return media.isMissingNode() ? null : media.path("schema");
    }

    /** What is wrong with {@code value} against {@code schema}; empty when it conforms. */
    List<String> violations(JsonNode value, JsonNode schema, String where) {
        List<String> out = new ArrayList<>();
        check(value, schema, where, out, 0);
        return out;
    }

    private JsonNode resolve(JsonNode schema) {
        int hops = 0;
        while (schema.has("$ref") && hops++ < 20) {
            String ref = schema.get("$ref").asText();
            if (!ref.startsWith(REF)) {
                throw new IllegalArgumentException("unsupported $ref " + ref);
            }
            JsonNode target = doc.path("components").path("schemas").path(ref.substring(REF.length()));
            if (target.isMissingNode()) {
                throw new IllegalArgumentException("$ref to a missing schema: " + ref);
            }
            schema = target;
        }
        return schema;
    }

    private void check(JsonNode value, JsonNode schema, String where, List<String> out, int depth) {
        if (depth > 30 || value == null || value.isNull()) {
            return;
        }
        schema = resolve(schema);
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode allowed : schema.get("enum")) {
                found |= allowed.equals(value);
            }
            if (!found) {
                out.add(where + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        List<String> types = new ArrayList<>();
        JsonNode type = schema.path("type");
        if (type.isTextual()) {
            types.add(type.asText());
        } else if (type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        }
        if (types.isEmpty()) {
            if (schema.has("properties") && value.isObject()) {
                types.add("object");
            } else {
                return; // any JSON
            }
        }
        String actual = kind(value);
        if (types.stream().noneMatch(t -> t.equals(actual) || ("number".equals(t) && "integer".equals(actual)))) {
            out.add(where + ": a " + actual + " (" + abbreviate(value) + ") where the schema says " + types);
            return;
        }
        if (value.isObject()) {
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            boolean open = additional.isObject() || additional.asBoolean(false) || (properties.isMissingNode() && additional.isMissingNode());
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode declared = properties.path(field.getKey());
                if (!declared.isMissingNode()) {
                    check(field.getValue(), declared, where + "." + field.getKey(), out, depth + 1);
                } else if (additional.isObject()) {
                    check(field.getValue(), additional, where + "." + field.getKey(), out, depth + 1);
                } else if (!open) {
                    out.add(where + ": key '" + field.getKey() + "' is sent but the schema declares only " + names(properties));
                }
            }
        } else if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(value.get(i), schema.get("items"), where + "[" + i + "]", out, depth + 1);
            }
        }
    }

    private static List<String> names(JsonNode properties) {
        List<String> names = new ArrayList<>();
        properties.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String kind(JsonNode value) {
        if (value.isObject()) {
            return "object";
        }
        if (value.isArray()) {
            return "array";
        }
        if (value.isTextual()) {
            return "string";
        }
        if (value.isBoolean()) {
            return "boolean";
        }
        if (value.isIntegralNumber()) {
            return "integer";
        }
        return value.isNumber() ? "number" : "unknown";
    }

    private static String abbreviate(JsonNode value) {
        String s = value.toString();
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
