package io.batchwire.delivery;

import java.util.Locale;

/**
 * Where the push of a job's result file to its {@code result_url} stands, as the job status shows it: {@code waiting}
 * until the job ends, then the state of its push delivery. The moves are {@link ResultPushTransitions}'s.
 */
public enum ResultPushState {
    WAITING, PENDING, DELIVERED, FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The push state of a push delivery in {@code state}; a push is never stopped (410 stops webhooks only). */
    public static ResultPushState of(DeliveryState state) {
        return switch (state) {
            case PENDING -> PENDING;
            case DELIVERED -> DELIVERED;
            case FAILED -> FAILED;
            case STOPPED -> throw new IllegalStateException("a result push is never stopped");
        };
    }
}
