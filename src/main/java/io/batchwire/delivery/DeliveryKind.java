package io.batchwire.delivery;

import java.util.Locale;

/**
 * What a delivery announces a job's end with. Each kind has its {@link DeliverySender}; a kind with a URL column is
 * scheduled only for jobs that set it.
 */
public enum DeliveryKind {
    /** The CloudEvent on the job-events topic: for every job. */
    EVENT(null),
    /** The signed webhook POST to the job's {@code webhook_url}. */
    WEBHOOK("webhook_url"),
    /** The result file PUT to the job's {@code result_url}. */
    PUSH("result_url");

    /** The {@code jobs} column with this kind's target, or null when it has none. */
    final String urlColumn;

    DeliveryKind(String urlColumn) {
        this.urlColumn = urlColumn;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** This kind as an SQL literal. */
    String sql() {
        return "'" + wire() + "'";
    }

    public static DeliveryKind fromWire(String value) {
        for (DeliveryKind k : values()) {
            if (k.wire().equals(value)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown delivery kind: " + value);
    }
}
