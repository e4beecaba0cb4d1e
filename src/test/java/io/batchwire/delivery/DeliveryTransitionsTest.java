package io.batchwire.delivery;

import io.batchwire.job.JobStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeliveryTransitionsTest {

    @Test
    void anAttemptSettlesOrRetriesAndARedeliveryReopens() {
        for (DeliveryState to : DeliveryState.values()) {
            assertThat(DeliveryTransitions.allowed(DeliveryState.PENDING, to)).as("pending -> " + to).isTrue();
        }
        for (DeliveryState settled : new DeliveryState[]{DeliveryState.DELIVERED, DeliveryState.FAILED, DeliveryState.STOPPED}) {
            assertThat(DeliveryTransitions.allowed(settled, DeliveryState.PENDING)).isTrue();
            for (DeliveryState other : DeliveryState.values()) {
                if (other != DeliveryState.PENDING) {
                    assertThat(DeliveryTransitions.allowed(settled, other)).as(settled + " -> " + other).isFalse();
                }
            }
        }
        assertThatThrownBy(() -> DeliveryTransitions.move(DeliveryState.DELIVERED, DeliveryState.FAILED))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theSqlListsAreTheTablesRules() {
        assertThat(DeliveryTransitions.sqlMayAttempt()).isEqualTo("'pending'");
        assertThat(DeliveryTransitions.sqlMayRedeliver()).isEqualTo("'pending', 'delivered', 'failed', 'stopped'");
        assertThat(DeliveryTransitions.sql(DeliveryTransitions.INITIAL)).isEqualTo("'pending'");
        for (DeliveryState s : DeliveryState.values()) {
            assertThat(DeliveryState.fromWire(s.wire())).isEqualTo(s);
        }
    }

    @Test
    void everyMoveOfAPushDeliveryIsAMoveOfTheResultPush() {
        for (DeliveryState from : DeliveryState.values()) {
            for (DeliveryState to : DeliveryState.values()) {
                if (from == DeliveryState.STOPPED || to == DeliveryState.STOPPED || !DeliveryTransitions.allowed(from, to)) {
                    continue; // a push is never stopped
                }
                assertThat(ResultPushTransitions.allowed(ResultPushState.of(from), ResultPushState.of(to)))
                        .as(from + " -> " + to).isTrue();
            }
        }
        assertThat(ResultPushTransitions.allowed(ResultPushState.WAITING, ResultPushState.PENDING)).isTrue();
        assertThat(ResultPushTransitions.allowed(ResultPushState.WAITING, ResultPushState.DELIVERED)).isFalse();
        assertThatThrownBy(() -> ResultPushState.of(DeliveryState.STOPPED)).isInstanceOf(IllegalStateException.class);
        assertThat(JobStatus.Push.WAITING.state()).isEqualTo(ResultPushState.WAITING.wire());
    }
}
