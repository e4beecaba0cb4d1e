package io.batchwire.api;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Bounds on what a request body may be: one JSON value with nothing after it, nesting depth, string and number length (refused while parsing), exact
 * decimal numbers (so 1e400 is kept as written instead of becoming "Infinity"), and strings PostgreSQL's JSONB can
 * store (no NUL, no lone surrogate).
 */
@Singleton
public class JsonLimits implements ObjectMapperCustomizer {

    public static final int MAX_DEPTH = 32;
    public static final int MAX_STRING_CHARS = 1_000_000;

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength(MAX_STRING_CHARS)
                .maxNumberLength(100)
                .maxNameLength(1000)
                .build());
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** Adds an error for every string (key or value) under {@code node} that JSONB cannot store. */
    public static void checkStorable(JsonNode node, String at, List<Problem.FieldError> errors) {
        // the common case, nothing to report, builds no field path
        if (node == null || errors.size() > 50 || storable(node)) {
            return;
        }
        report(node, at, errors);
    }

    /** Whether every string (key or value) under {@code node} is one JSONB can store. */
    private static boolean storable(JsonNode node) {
        if (node.isTextual()) {
            return storable(node.textValue());
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (!storable(e.getKey()) || !storable(e.getValue())) {
                    return false;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                if (!storable(item)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void report(JsonNode node, String at, List<Problem.FieldError> errors) {
        if (errors.size() > 50) {
            return;
        }
        if (node.isTextual()) {
            if (!storable(node.textValue())) {
                errors.add(new Problem.FieldError(at, "strings may not contain NUL characters or unpaired surrogates"));
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!storable(e.getKey())) {
                    errors.add(new Problem.FieldError(at, "field names may not contain NUL characters or unpaired surrogates"));
                }
                report(e.getValue(), at + "." + e.getKey(), errors);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                report(node.get(i), at + "[" + i + "]", errors);
            }
        }
    }

    static boolean storable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
