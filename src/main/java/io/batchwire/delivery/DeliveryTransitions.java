package io.batchwire.delivery;

import io.batchwire.state.Transitions;

import static io.batchwire.delivery.DeliveryState.DELIVERED;
import static io.batchwire.delivery.DeliveryState.FAILED;
import static io.batchwire.delivery.DeliveryState.PENDING;
import static io.batchwire.delivery.DeliveryState.STOPPED;

/**
 * The one table of a delivery's moves. An attempt leaves a pending delivery pending (another attempt is due) or
 * settles it; a redelivery makes any delivery pending again, for one more attempt.
 */
public final class DeliveryTransitions {

    static final Transitions<DeliveryState> TABLE = Transitions.of(DeliveryState.class, DeliveryState::wire)
            .allow(PENDING, PENDING, DELIVERED, FAILED, STOPPED)
            .allow(DELIVERED, PENDING)
            .allow(FAILED, PENDING)
            .allow(STOPPED, PENDING)
            .build();

    /** The state a delivery is written in, by the transaction that ends its job. */
    public static final DeliveryState INITIAL = PENDING;

    private DeliveryTransitions() {
    }

    public static boolean allowed(DeliveryState from, DeliveryState to) {
        return TABLE.allowed(from, to);
    }

    public static DeliveryState move(DeliveryState from, DeliveryState to) {
        return TABLE.move(from, to);
    }

    public static String sql(DeliveryState state) {
        return TABLE.sql(state);
    }

    /** The {@code IN (...)} list of the states an attempt may be taken from (just {@code pending}). */
    public static String sqlMayAttempt() {
        return TABLE.sqlStatesThatMayMoveTo(DELIVERED);
    }

    /** The {@code IN (...)} list of the states a redelivery may reopen (every state). */
    public static String sqlMayRedeliver() {
        return TABLE.sqlStatesThatMayMoveTo(PENDING);
    }
}
