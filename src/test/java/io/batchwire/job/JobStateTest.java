package io.batchwire.job;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobStateTest {

    @Test
    void onlyForwardTransitionsAreAllowed() {
        assertThat(JobState.ACCEPTED.canMoveTo(JobState.PROCESSING)).isTrue();
        assertThat(JobState.ACCEPTED.canMoveTo(JobState.CANCELLED)).isTrue();
        assertThat(JobState.PROCESSING.canMoveTo(JobState.COMPLETED)).isTrue();
        assertThat(JobState.PROCESSING.canMoveTo(JobState.ACCEPTED)).isFalse();
        for (JobState done : new JobState[]{JobState.COMPLETED, JobState.FAILED, JobState.CANCELLED}) {
            assertThat(done.isFinal()).isTrue();
            for (JobState any : JobState.values()) {
                assertThat(done.canMoveTo(any)).isFalse();
            }
        }
        assertThatThrownBy(() -> JobState.COMPLETED.moveTo(JobState.CANCELLED))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("completed cannot move to cancelled");
    }

    @Test
    void recordsTakeOneTerminalOutcome() {
        assertThat(RecordState.PENDING.canMoveTo(RecordState.SUCCEEDED)).isTrue();
        assertThat(RecordState.PENDING.canMoveTo(RecordState.PENDING)).isFalse();
        assertThat(RecordState.SUCCEEDED.canMoveTo(RecordState.FAILED)).isFalse();
        assertThat(RecordState.fromWire("timed_out")).isEqualTo(RecordState.TIMED_OUT);
        assertThat(JobState.fromWire("processing").wire()).isEqualTo("processing");
    }
}
