package io.batchwire.idempotency;

import io.batchwire.state.Transitions;

import static io.batchwire.idempotency.IdempotencyKeyState.DONE;
import static io.batchwire.idempotency.IdempotencyKeyState.IN_FLIGHT;

/**
 * The one table of an idempotency key's moves. A key is claimed {@code in_flight}; the transaction that stores the
 * work makes it {@code done}; a refused request deletes it. A claim left by a crashed replica may be claimed again
 * once stale, and a {@code done} key once expired (both are moves to {@code in_flight}).
 */
public final class IdempotencyTransitions {

    static final Transitions<IdempotencyKeyState> TABLE = Transitions.of(IdempotencyKeyState.class, IdempotencyKeyState::wire)
            .allow(IN_FLIGHT, DONE, IN_FLIGHT)
            .allow(DONE, IN_FLIGHT)
            .build();

    /** The state of a new claim. */
    public static final IdempotencyKeyState INITIAL = IN_FLIGHT;

    private IdempotencyTransitions() {
    }

    public static boolean allowed(IdempotencyKeyState from, IdempotencyKeyState to) {
        return TABLE.allowed(from, to);
    }

    public static String sql(IdempotencyKeyState state) {
        return TABLE.sql(state);
    }

    /** The {@code IN (...)} list of the states whose key a finished request may complete (just {@code in_flight}). */
    public static String sqlMayComplete() {
        return TABLE.sqlStatesThatMayMoveTo(DONE);
    }
}
