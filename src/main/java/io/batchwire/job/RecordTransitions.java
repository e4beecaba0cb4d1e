package io.batchwire.job;

import io.batchwire.state.Transitions;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

import static io.batchwire.job.RecordState.CANCELLED;
import static io.batchwire.job.RecordState.FAILED;
import static io.batchwire.job.RecordState.PENDING;
import static io.batchwire.job.RecordState.SUCCEEDED;
import static io.batchwire.job.RecordState.TIMED_OUT;

/**
 * The one table of a record's moves: {@code pending} to exactly one terminal state, never again. Also the one place
 * that says which job counter column counts a terminal state (by name, never by position).
 */
public final class RecordTransitions {

    static final Transitions<RecordState> TABLE = Transitions.of(RecordState.class, RecordState::wire)
            .allow(PENDING, SUCCEEDED, FAILED, TIMED_OUT, CANCELLED)
            .build();

    /** The {@code jobs} column that counts the records in each terminal state. */
    private static final Map<RecordState, String> COUNTER = counters();

    private RecordTransitions() {
    }

    private static Map<RecordState, String> counters() {
        Map<RecordState, String> m = new EnumMap<>(RecordState.class);
        m.put(SUCCEEDED, "succeeded");
        m.put(FAILED, "failed");
        m.put(TIMED_OUT, "timed_out");
        m.put(CANCELLED, "cancelled");
        if (!m.keySet().equals(TABLE.finalStates())) {
            throw new IllegalStateException("every terminal record state needs its job counter column, and only those");
        }
        return Collections.unmodifiableMap(m);
    }

    public static boolean allowed(RecordState from, RecordState to) {
        return TABLE.allowed(from, to);
    }

    public static RecordState move(RecordState from, RecordState to) {
        return TABLE.move(from, to);
    }

    public static Set<RecordState> terminal() {
        return TABLE.finalStates();
    }

    /** The {@code jobs} column counting records in the terminal state {@code state}. */
    public static String counterColumn(RecordState state) {
        String column = COUNTER.get(state);
        if (column == null) {
            throw new IllegalArgumentException(state + " is not terminal and has no counter");
        }
        return column;
    }

    /** The sum of a job row's counters, the records that have an outcome: {@code j.succeeded + j.failed + ...}. */
    public static String sqlDoneCount(String jobAlias) {
        String prefix = jobAlias == null || jobAlias.isEmpty() ? "" : jobAlias + ".";
        return String.join(" + ", COUNTER.values().stream().map(c -> prefix + c).toList());
    }

    public static String sql(RecordState state) {
        return TABLE.sql(state);
    }

    /** The {@code IN (...)} list of the states a record may take an outcome from (just {@code pending}). */
    public static String sqlMayTakeOutcome() {
        return TABLE.sql(TABLE.openStates());
    }

    /** The {@code IN (...)} list of the terminal states. */
    public static String sqlTerminal() {
        return TABLE.sqlFinalStates();
    }
}
