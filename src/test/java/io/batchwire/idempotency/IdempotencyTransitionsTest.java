package io.batchwire.idempotency;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyTransitionsTest {

    @Test
    void aClaimCompletesOnceAndIsTakenAgainOnlyWhenStaleOrExpired() {
        assertThat(IdempotencyTransitions.INITIAL).isEqualTo(IdempotencyKeyState.IN_FLIGHT);
        assertThat(IdempotencyTransitions.allowed(IdempotencyKeyState.IN_FLIGHT, IdempotencyKeyState.DONE)).isTrue();
        assertThat(IdempotencyTransitions.allowed(IdempotencyKeyState.DONE, IdempotencyKeyState.DONE)).isFalse();
        assertThat(IdempotencyTransitions.allowed(IdempotencyKeyState.IN_FLIGHT, IdempotencyKeyState.IN_FLIGHT)).isTrue();
        assertThat(IdempotencyTransitions.allowed(IdempotencyKeyState.DONE, IdempotencyKeyState.IN_FLIGHT)).isTrue();
        assertThat(IdempotencyTransitions.sqlMayComplete()).isEqualTo("'in_flight'");
        assertThat(IdempotencyTransitions.sql(IdempotencyKeyState.DONE)).isEqualTo("'done'");
    }
}
