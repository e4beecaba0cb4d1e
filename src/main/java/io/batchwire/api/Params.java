package io.batchwire.api;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Query parameters parsed by hand, so a bad value is a clear 400 rather than JAX-RS's 404. */
public final class Params {

    private Params() {
    }

    public static int limit(String raw, int dflt, int max) {
        if (raw == null || raw.isEmpty()) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(raw);
            if (v >= 1 && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw ProblemException.validation("limit", "'limit' must be a whole number from 1 to " + max);
    }

    public static OffsetDateTime timestamp(String raw, String name) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(raw);
        } catch (DateTimeParseException e) {
            throw ProblemException.validation(name, "'" + name + "' must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z");
        }
    }
}
