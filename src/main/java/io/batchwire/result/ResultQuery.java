package io.batchwire.result;

import io.batchwire.api.ProblemException;
import io.batchwire.job.RecordState;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What a results page asks for. {@code order_by=index} (default) pages by record index;
 * {@code order_by=completed_at} pages in the order outcomes were stored, which is stable while new outcomes
 * arrive: a later outcome always sorts after every outcome already visible.
 */
public record ResultQuery(UUID jobId, Order order, Set<RecordState> statuses, OffsetDateTime sinceCompletedAt, int limit) {

    public enum Order { INDEX, COMPLETED_AT }

    public static Order order(String raw) {
        if (raw == null || raw.isEmpty() || raw.equals("index")) {
            return Order.INDEX;
        }
        if (raw.equals("completed_at")) {
            return Order.COMPLETED_AT;
        }
        throw ProblemException.validation("order_by", "'order_by' must be index or completed_at");
    }

    public static Set<RecordState> statuses(String raw) {
        if (raw == null || raw.isBlank()) {
            return Set.of();
        }
        Set<RecordState> out = EnumSet.noneOf(RecordState.class);
        for (String part : raw.split(",")) {
            try {
                out.add(RecordState.fromWire(part.trim().toLowerCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw ProblemException.validation("status_filter", "'status_filter' takes a comma-separated list of "
                        + Arrays.stream(RecordState.values()).map(RecordState::wire).collect(Collectors.joining(", ")));
            }
        }
        return out;
    }

    /** Identifies the query a cursor belongs to, so a cursor cannot be replayed against another one. */
    public String fingerprint() {
        return "results:" + jobId + ":" + order + ":" + statuses.stream().map(RecordState::wire).sorted().toList()
                + ":" + (sinceCompletedAt == null ? "" : sinceCompletedAt.toInstant());
    }
}
