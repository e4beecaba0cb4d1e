package io.batchwire.api;

import java.util.List;
import java.util.Map;

/** Thrown (or failed with) anywhere a request must end in a problem+json answer. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;
    private final String field;
    private final List<Problem.FieldError> errors;
    private final Map<String, Object> extensions;
    private final Map<String, String> headers;

    public ProblemException(int status, String slug, String title, String detail, String field,
                            List<Problem.FieldError> errors, Map<String, Object> extensions, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.field = field;
        this.errors = errors;
        this.extensions = extensions;
        this.headers = headers;
    }

    public static ProblemException validation(String field, String detail) {
        return new ProblemException(400, "validation-error", "Invalid request", detail, field, null, null, Map.of());
    }

    public static ProblemException validation(List<Problem.FieldError> errors) {
        Problem.FieldError first = errors.getFirst();
        String detail = errors.size() == 1 ? first.detail()
                : first.detail() + " (and " + (errors.size() - 1) + " more errors)";
        return new ProblemException(400, "validation-error", "Invalid request", detail, first.field(), errors, null, Map.of());
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(404, "not-found", "Not found", what + " was not found", null, null, null, Map.of());
    }

    public static ProblemException badCursor() {
        return new ProblemException(400, "invalid-cursor", "Invalid cursor",
                "cursor is not one this endpoint issued for this query; start again without a cursor",
                "cursor", null, null, Map.of());
    }

    public Problem toProblem() {
        return new Problem(Problem.type(slug), title, status, getMessage(), field, errors, extensions);
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
