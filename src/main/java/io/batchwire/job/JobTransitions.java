package io.batchwire.job;

import io.batchwire.state.Transitions;

import static io.batchwire.job.JobState.ACCEPTED;
import static io.batchwire.job.JobState.CANCELLED;
import static io.batchwire.job.JobState.COMPLETED;
import static io.batchwire.job.JobState.FAILED;
import static io.batchwire.job.JobState.PROCESSING;

/**
 * The one table of a job's allowed moves, and the SQL conditions that follow from it. A job is stored
 * {@code accepted}, becomes {@code processing} when its first chunk starts, and ends {@code completed} (every record
 * has an outcome), {@code failed} (it could not run as a whole) or {@code cancelled}. It may end straight from
 * {@code accepted} (cancelled, timed out, or failed before any chunk started).
 */
public final class JobTransitions {

    static final Transitions<JobState> TABLE = Transitions.of(JobState.class, JobState::wire)
            .allow(ACCEPTED, PROCESSING, COMPLETED, FAILED, CANCELLED)
            .allow(PROCESSING, COMPLETED, FAILED, CANCELLED)
            .build();

    /** The state a job is stored in. */
    public static final JobState INITIAL = ACCEPTED;

    private JobTransitions() {
    }

    public static boolean allowed(JobState from, JobState to) {
        return TABLE.allowed(from, to);
    }

    /** {@code to}, or an {@link IllegalStateException} if the move is not allowed. */
    public static JobState move(JobState from, JobState to) {
        return TABLE.move(from, to);
    }

    /** One state as an SQL literal. */
    public static String sql(JobState state) {
        return TABLE.sql(state);
    }

    /** The {@code IN (...)} list of the states that may move to {@code to}. */
    public static String sqlStatesThatMayMoveTo(JobState to) {
        return TABLE.sqlStatesThatMayMoveTo(to);
    }

    /** The {@code IN (...)} list of the unfinished states: the jobs that count against a plan and still run. */
    public static String sqlUnfinished() {
        return TABLE.sqlOpenStates();
    }

    /** The {@code IN (...)} list of the final states. */
    public static String sqlFinal() {
        return TABLE.sqlFinalStates();
    }
}
