package io.batchwire.delivery;

import io.batchwire.state.Transitions;

import static io.batchwire.delivery.ResultPushState.DELIVERED;
import static io.batchwire.delivery.ResultPushState.FAILED;
import static io.batchwire.delivery.ResultPushState.PENDING;
import static io.batchwire.delivery.ResultPushState.WAITING;

/**
 * The one table of a result push's moves: it waits for its job to end, then follows its delivery (attempts, a final
 * outcome, a redelivery). Every move of a push delivery ({@link DeliveryTransitions}) is a move here.
 */
public final class ResultPushTransitions {

    static final Transitions<ResultPushState> TABLE = Transitions.of(ResultPushState.class, ResultPushState::wire)
            .allow(WAITING, PENDING)
            .allow(PENDING, PENDING, DELIVERED, FAILED)
            .allow(DELIVERED, PENDING)
            .allow(FAILED, PENDING)
            .build();

    private ResultPushTransitions() {
    }

    public static boolean allowed(ResultPushState from, ResultPushState to) {
        return TABLE.allowed(from, to);
    }

    public static ResultPushState move(ResultPushState from, ResultPushState to) {
        return TABLE.move(from, to);
    }
}
