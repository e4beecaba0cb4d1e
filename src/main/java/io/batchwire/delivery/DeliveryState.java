package io.batchwire.delivery;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Where one delivery stands; the allowed moves are {@link DeliveryTransitions}'s. */
public enum DeliveryState {
    /** Waiting for its next attempt (or being sent, under a lease). */
    PENDING,
    /** The receiver took it (2xx, or the broker acknowledged the event). */
    DELIVERED,
    /** Out of attempts, or refused by the outbound policy. */
    FAILED,
    /** The webhook receiver answered 410 Gone: no more attempts. */
    STOPPED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeliveryState fromWire(String value) {
        return DeliveryTransitions.TABLE.fromWire(value);
    }
}
