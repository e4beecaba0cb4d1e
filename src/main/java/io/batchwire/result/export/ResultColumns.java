package io.batchwire.result.export;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The columns of a CSV or XLSX export. First the record's own fields, then its result flattened one level: one
 * {@code result.<key>} column per top-level key of the object results (sorted), and a single {@code result}
 * column for results that are not objects (strings, numbers, arrays). When a job's results have more distinct keys
 * than the configured limit, nothing is spread and every result goes whole into {@code result}.
 * <p>
 * The columns are read once, before the first row; a result stored after that with a key no earlier result had
 * (a running job) has that key left out of CSV and XLSX. JSON and JSONL always carry whole results.
 */
public record ResultColumns(List<String> keys, boolean resultColumn, boolean rows) {

    public static final List<String> FIXED = List.of("index", "custom_id", "status", "status_code", "attempts",
            "started_at", "completed_at", "duration_ms", "error_code", "error_message");

    public static final String RESULT = "result";
    public static final String RESULT_PREFIX = "result.";

    /** For formats that do not flatten. */
    static final ResultColumns NONE = new ResultColumns(List.of(), false);

    /** The value column of an export's rows that are not objects. */
    public static final String VALUE = "value";

    public ResultColumns {
        keys = List.copyOf(keys);
    }

    public ResultColumns(List<String> keys, boolean resultColumn) {
        this(keys, resultColumn, false);
    }

    /**
     * The columns of an export's rows: one per top-level key (those of the first row in its order, then the others
     * sorted), and a {@code value} column for rows that are not objects; over the limit, every row whole in
     * {@code value}.
     */
    static ResultColumns ofRows(List<String> keys, boolean nonObjectRows, int maxKeys) {
        if (keys.size() > maxKeys) {
            return new ResultColumns(List.of(), true, true);
        }
        return new ResultColumns(keys, nonObjectRows, true);
    }

    /** The layout for the keys found (in any order) and whether any result was not an object. */
    static ResultColumns of(Collection<String> keys, boolean nonObjectResults, int maxKeys) {
        if (keys.size() > maxKeys) {
            return new ResultColumns(List.of(), true);
        }
        return new ResultColumns(keys.stream().sorted().toList(), nonObjectResults);
    }

    public List<String> header() {
        if (rows) {
            List<String> out = new ArrayList<>(size());
            if (resultColumn) {
                out.add(VALUE);
            }
            out.addAll(keys);
            return out;
        }
        List<String> out = new ArrayList<>(size());
        out.addAll(FIXED);
        if (resultColumn) {
            out.add(RESULT);
        }
        for (String key : keys) {
            out.add(RESULT_PREFIX + key);
        }
        return out;
    }

    public int size() {
        if (rows) {
            return (resultColumn ? 1 : 0) + keys.size();
        }
        return FIXED.size() + (resultColumn ? 1 : 0) + keys.size();
    }
}
