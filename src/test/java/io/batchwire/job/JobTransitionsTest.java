package io.batchwire.job;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobTransitionsTest {

    @Test
    void onlyForwardTransitionsAreAllowed() {
        assertThat(JobTransitions.allowed(JobState.ACCEPTED, JobState.PROCESSING)).isTrue();
        assertThat(JobTransitions.allowed(JobState.ACCEPTED, JobState.CANCELLED)).isTrue();
        assertThat(JobTransitions.allowed(JobState.PROCESSING, JobState.COMPLETED)).isTrue();
        assertThat(JobTransitions.allowed(JobState.PROCESSING, JobState.ACCEPTED)).isFalse();
        for (JobState done : new JobState[]{JobState.COMPLETED, JobState.FAILED, JobState.CANCELLED}) {
            assertThat(done.isFinal()).isTrue();
            for (JobState any : JobState.values()) {
                assertThat(JobTransitions.allowed(done, any)).isFalse();
            }
        }
        assertThatThrownBy(() -> JobTransitions.move(JobState.COMPLETED, JobState.CANCELLED))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("completed cannot move to cancelled");
    }

    @Test
    void aQueuedJobIsPromotedOrCancelledAndNeverGoesBackToTheQueue() {
        assertThat(JobTransitions.WAITING).isEqualTo(JobState.QUEUED);
        assertThat(JobState.fromWire("queued")).isEqualTo(JobState.QUEUED);
        assertThat(JobTransitions.allowed(JobState.QUEUED, JobState.ACCEPTED)).as("promoted").isTrue();
        assertThat(JobTransitions.allowed(JobState.QUEUED, JobState.CANCELLED)).as("cancelled while it waits").isTrue();
        // not on Kafka and no time limit running: nothing processes, completes or fails it before it is promoted
        assertThat(JobTransitions.allowed(JobState.QUEUED, JobState.PROCESSING)).isFalse();
        assertThat(JobTransitions.allowed(JobState.QUEUED, JobState.COMPLETED)).isFalse();
        assertThat(JobTransitions.allowed(JobState.QUEUED, JobState.FAILED)).isFalse();
        for (JobState s : JobState.values()) {
            assertThat(JobTransitions.allowed(s, JobState.QUEUED)).as(s + " -> queued").isFalse();
        }
        assertThat(JobState.QUEUED.isFinal()).isFalse();
        assertThat(JobTransitions.isRunning(JobState.QUEUED)).isFalse();
        assertThat(JobTransitions.isRunning(JobState.ACCEPTED)).isTrue();
        assertThat(JobTransitions.isRunning(JobState.PROCESSING)).isTrue();
        assertThat(JobTransitions.isRunning(JobState.COMPLETED)).isFalse();
    }

    @Test
    void recordsTakeOneTerminalOutcome() {
        assertThat(RecordTransitions.allowed(RecordState.PENDING, RecordState.SUCCEEDED)).isTrue();
        assertThat(RecordTransitions.allowed(RecordState.PENDING, RecordState.PENDING)).isFalse();
        assertThat(RecordTransitions.allowed(RecordState.SUCCEEDED, RecordState.FAILED)).isFalse();
        assertThat(RecordState.fromWire("timed_out")).isEqualTo(RecordState.TIMED_OUT);
        assertThat(JobState.fromWire("processing").wire()).isEqualTo("processing");
        assertThatThrownBy(() -> RecordTransitions.move(RecordState.FAILED, RecordState.SUCCEEDED))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theSqlListsAreTheTablesRules() {
        for (JobState to : JobState.values()) {
            Set<JobState> from = Arrays.stream(JobState.values()).filter(s -> JobTransitions.allowed(s, to))
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(JobState.class)));
            if (!from.isEmpty()) {
                assertThat(parse(JobTransitions.sqlStatesThatMayMoveTo(to))).as("states that may move to " + to)
                        .containsExactlyInAnyOrderElementsOf(from.stream().map(JobState::wire).toList());
            }
        }
        assertThat(parse(JobTransitions.sqlUnfinished())).containsExactlyInAnyOrder("queued", "accepted", "processing");
        assertThat(parse(JobTransitions.sqlRunning())).as("the unfinished states that hold a slot")
                .containsExactlyInAnyOrder("accepted", "processing");
        for (JobState s : JobState.values()) {
            assertThat(parse(JobTransitions.sqlRunning()).contains(s.wire())).as(s.wire()).isEqualTo(JobTransitions.isRunning(s));
        }
        assertThat(parse(JobTransitions.sqlStatesThatMayMoveTo(JobState.ACCEPTED))).containsExactly("queued");
        assertThat(JobTransitions.sql(JobTransitions.WAITING)).isEqualTo("'queued'");
        assertThat(parse(JobTransitions.sqlFinal())).containsExactlyInAnyOrder("completed", "failed", "cancelled");
        assertThat(parse(JobTransitions.sqlUnfinished())).allSatisfy(s -> assertThat(JobState.fromWire(s).isFinal()).isFalse());
        assertThat(parse(JobTransitions.sqlFinal())).allSatisfy(s -> assertThat(JobState.fromWire(s).isFinal()).isTrue());
        assertThat(JobTransitions.sql(JobTransitions.INITIAL)).isEqualTo("'accepted'");

        assertThat(parse(RecordTransitions.sqlMayTakeOutcome())).containsExactly("pending");
        assertThat(parse(RecordTransitions.sqlTerminal()))
                .containsExactlyInAnyOrderElementsOf(RecordTransitions.terminal().stream().map(RecordState::wire).toList());
        for (RecordState s : RecordState.values()) {
            assertThat(s.isTerminal()).isEqualTo(RecordTransitions.terminal().contains(s));
        }
    }

    @Test
    void everyTerminalRecordStateHasItsOwnCounterByName() {
        assertThat(RecordTransitions.counterColumn(RecordState.SUCCEEDED)).isEqualTo("succeeded");
        assertThat(RecordTransitions.counterColumn(RecordState.FAILED)).isEqualTo("failed");
        assertThat(RecordTransitions.counterColumn(RecordState.TIMED_OUT)).isEqualTo("timed_out");
        assertThat(RecordTransitions.counterColumn(RecordState.CANCELLED)).isEqualTo("cancelled");
        assertThatThrownBy(() -> RecordTransitions.counterColumn(RecordState.PENDING)).isInstanceOf(IllegalArgumentException.class);
        assertThat(RecordTransitions.sqlDoneCount("j").split(" \\+ "))
                .containsExactlyInAnyOrder("j.succeeded", "j.failed", "j.timed_out", "j.cancelled");
    }

    /** The states of an SQL {@code IN} list, without their quotes. */
    static Set<String> parse(String inList) {
        return Arrays.stream(inList.split(","))
                .map(String::trim)
                .peek(s -> assertThat(s).matches("'[a-z_]+'"))
                .map(s -> s.substring(1, s.length() - 1))
                .collect(Collectors.toSet());
    }
}
