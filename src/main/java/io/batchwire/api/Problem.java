package io.batchwire.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/** An RFC 9457 problem document. {@code type} is stable; {@code detail} is for humans. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String field,
        List<FieldError> errors,
        Map<String, Object> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String BASE = "https://batchwire.dev/problems/";

    public record FieldError(String field, String detail) {
    }

    public static String type(String slug) {
        return BASE + slug;
    }
}
