package io.batchwire.job;

import io.batchwire.state.Transitions;

import java.util.EnumSet;
import java.util.Set;

import static io.batchwire.job.JobState.ACCEPTED;
import static io.batchwire.job.JobState.CANCELLED;
import static io.batchwire.job.JobState.COMPLETED;
import static io.batchwire.job.JobState.FAILED;
import static io.batchwire.job.JobState.PROCESSING;
import static io.batchwire.job.JobState.QUEUED;

/**
 * The one table of a job's allowed moves, and the SQL conditions that follow from it. A job within its plan's
 * concurrent-jobs limit is stored {@code accepted}; one beyond it is stored {@code queued} and waits, holding no slot
 * and not yet on Kafka, until one of the tenant's running jobs ends and it is promoted to {@code accepted} (or is
 * cancelled while it waits). An accepted job becomes {@code processing} when its first chunk starts, and ends
 * {@code completed} (every record has an outcome), {@code failed} (it could not run as a whole) or {@code cancelled}.
 * It may end straight from {@code accepted} (cancelled, timed out, or failed before any chunk started).
 */
public final class JobTransitions {

    static final Transitions<JobState> TABLE = Transitions.of(JobState.class, JobState::wire)
            .allow(QUEUED, ACCEPTED, CANCELLED)
            .allow(ACCEPTED, PROCESSING, COMPLETED, FAILED, CANCELLED)
            .allow(PROCESSING, COMPLETED, FAILED, CANCELLED)
            .build();

    /** The state a job within its plan's concurrent-jobs limit is stored in: it runs at once. */
    public static final JobState INITIAL = ACCEPTED;

    /** The state a job beyond its plan's concurrent-jobs limit is stored in, until it is promoted. */
    public static final JobState WAITING = QUEUED;

    /** The unfinished states that hold one of the plan's concurrent-job slots: the initial state and what follows it. */
    private static final Set<JobState> RUNNING = running();

    private JobTransitions() {
    }

    private static Set<JobState> running() {
        Set<JobState> out = EnumSet.copyOf(TABLE.reachableFrom(INITIAL));
        out.retainAll(TABLE.openStates());
        if (out.contains(WAITING) || !TABLE.allowed(WAITING, INITIAL)) {
            throw new IllegalStateException("a waiting job is promoted to the initial state and never goes back to waiting");
        }
        return out;
    }

    public static boolean allowed(JobState from, JobState to) {
        return TABLE.allowed(from, to);
    }

    /** {@code to}, or an {@link IllegalStateException} if the move is not allowed. */
    public static JobState move(JobState from, JobState to) {
        return TABLE.move(from, to);
    }

    /** Whether a job in this state holds one of its plan's concurrent-job slots. */
    public static boolean isRunning(JobState state) {
        return RUNNING.contains(state);
    }

    /** One state as an SQL literal. */
    public static String sql(JobState state) {
        return TABLE.sql(state);
    }

    /** The {@code IN (...)} list of the states that may move to {@code to}. */
    public static String sqlStatesThatMayMoveTo(JobState to) {
        return TABLE.sqlStatesThatMayMoveTo(to);
    }

    /** The {@code IN (...)} list of the unfinished states: the jobs whose open records count against a plan. */
    public static String sqlUnfinished() {
        return TABLE.sqlOpenStates();
    }

    /**
     * The {@code IN (...)} list of the running states: unfinished jobs that hold a concurrent-job slot, may be on Kafka
     * and have a time limit running (not {@link #WAITING}).
     */
    public static String sqlRunning() {
        return TABLE.sql(RUNNING);
    }

    /** The {@code IN (...)} list of the final states. */
    public static String sqlFinal() {
        return TABLE.sqlFinalStates();
    }
}
