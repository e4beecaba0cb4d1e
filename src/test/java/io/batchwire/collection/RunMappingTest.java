package io.batchwire.collection;

import io.batchwire.api.ProblemException;
import io.batchwire.job.JobState;
import io.batchwire.job.RecordState;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Plain JUnit: how runs name job and record states, and how a re-run maps its records to the collection's requests. */
class RunMappingTest {

    @Test
    void runStatusIsInProgressUntilTheJobIsFinal() {
        assertThat(RunStatus.of(JobState.QUEUED)).as("a run waiting for a slot").isEqualTo(RunStatus.IN_PROGRESS);
        assertThat(RunStatus.of(JobState.ACCEPTED)).isEqualTo(RunStatus.IN_PROGRESS);
        assertThat(RunStatus.of(JobState.PROCESSING)).isEqualTo(RunStatus.IN_PROGRESS);
        assertThat(RunStatus.of(JobState.COMPLETED).wire()).isEqualTo("completed");
        assertThat(RunStatus.of(JobState.FAILED).wire()).isEqualTo("failed");
        assertThat(RunStatus.of(JobState.CANCELLED).wire()).isEqualTo("cancelled");
        assertThat(RunStatus.jobStates("in_progress"))
                .containsExactlyInAnyOrder(JobState.QUEUED, JobState.ACCEPTED, JobState.PROCESSING);
        assertThat(RunStatus.jobStates(" completed , cancelled")).containsExactlyInAnyOrder(JobState.COMPLETED, JobState.CANCELLED);
        assertThat(RunStatus.jobStates(null)).isEmpty();
        assertThatThrownBy(() -> RunStatus.jobStates("processing")).isInstanceOf(ProblemException.class)
                .hasMessageContaining("in_progress, completed, failed, cancelled");
    }

    @Test
    void requestStatusesNameRecordStates() {
        assertThat(RequestStatus.of(RecordState.SUCCEEDED).wire()).isEqualTo("completed");
        assertThat(RequestStatus.of(RecordState.FAILED).wire()).isEqualTo("failed");
        assertThat(RequestStatus.of(RecordState.TIMED_OUT).wire()).isEqualTo("timeout");
        assertThat(RequestStatus.of(RecordState.PENDING).wire()).isEqualTo("pending");
        assertThat(RequestStatus.of(RecordState.CANCELLED).wire()).isEqualTo("cancelled");
        assertThat(RequestStatus.recordStates("completed,failed,timeout"))
                .containsExactlyInAnyOrder(RecordState.SUCCEEDED, RecordState.FAILED, RecordState.TIMED_OUT);
        assertThatThrownBy(() -> RequestStatus.recordStates("succeeded")).isInstanceOf(ProblemException.class);
    }

    @Test
    void aFullRunIsTheIdentityAndAReRunMapsThroughItsIndexes() {
        assertThat(RunOrigin.parse(null)).isEqualTo(RunOrigin.FULL);
        assertThat(RunOrigin.FULL.toMetadata()).isNull();
        assertThat(RunOrigin.FULL.requestIndex(7)).isEqualTo(7);
        assertThat(RunOrigin.FULL.recordIndex(7)).isEqualTo(7);

        UUID from = UUID.randomUUID();
        RunOrigin rerun = new RunOrigin(from, new int[]{1, 4, 9});
        RunOrigin back = RunOrigin.parse(rerun.toMetadata().toString());
        assertThat(back).isEqualTo(rerun);
        assertThat(back.rerunOf()).isEqualTo(from);
        assertThat(back.requestIndex(0)).isEqualTo(1);
        assertThat(back.requestIndex(2)).isEqualTo(9);
        assertThat(back.recordIndex(4)).isEqualTo(1);
        assertThat(back.recordIndex(0)).isNull();
        assertThat(back.recordIndex(10)).isNull();
        // a run's other metadata (none today) does not make it a re-run
        assertThat(RunOrigin.parse("{\"pipeline\": \"nightly\"}")).isEqualTo(RunOrigin.FULL);
    }
}
