package io.batchwire.idempotency;

import java.util.Locale;

/** Where an {@code Idempotency-Key} stands; the moves are {@link IdempotencyTransitions}'s. */
public enum IdempotencyKeyState {
    /** Claimed by a request that is still being accepted. */
    IN_FLIGHT,
    /** The request was accepted; the key answers with its resource until it expires. */
    DONE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
