package io.batchwire.job;

import io.batchwire.api.ProblemException;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Which jobs a list shows: one tenant's (the API) or every tenant's ({@code tenantId} null: the operator console), by
 * state, type and creation time ({@code from} inclusive, {@code to} exclusive). Any part may be null.
 */
public record JobFilter(UUID tenantId, JobState state, String type, OffsetDateTime from, OffsetDateTime to) {

    public static JobFilter ofTenant(UUID tenantId, JobState state) {
        return new JobFilter(tenantId, state, null, null, null);
    }

    /** The same filter without its state (what the counts per state are taken over). */
    public JobFilter anyState() {
        return new JobFilter(tenantId, null, type, from, to);
    }

    /** A {@code state} query parameter: null or empty for any state; 400 naming the states otherwise. */
    public static JobState state(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return JobState.fromWire(raw);
        } catch (IllegalArgumentException e) {
            throw ProblemException.validation("state", "'state' must be one of " + Arrays.stream(JobState.values())
                    .map(JobState::wire).collect(Collectors.joining(", ")));
        }
    }

    /** Identifies the list a cursor belongs to, so a cursor cannot be replayed against another filter. */
    String fingerprint() {
        String base = "jobs:" + (state == null ? "" : state.wire());
        if (type == null && from == null && to == null) {
            return base;
        }
        return base + ":" + (type == null ? "" : type) + ":" + (from == null ? "" : from.toInstant()) + ":"
                + (to == null ? "" : to.toInstant());
    }
}
