package io.batchwire.result.export;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;

/** The one query exports need beyond the results pages: which columns the results flatten into. */
@ApplicationScoped
public class ExportStore {

    // a null key means "some result is not an object"; at most max + 1 keys are read, to tell an overflow
    private static final String RESULT_KEYS = """
            (SELECT DISTINCT jsonb_object_keys(result) AS k FROM job_records
              WHERE job_id = $1 AND jsonb_typeof(result) = 'object' LIMIT $2)
            UNION ALL
            (SELECT NULL FROM job_records
              WHERE job_id = $1 AND jsonb_typeof(result) NOT IN ('object', 'null') LIMIT 1)""";

    // the first row's keys in its order, then every other key of the first max + 1 distinct ones, sorted
    private static final String ROW_KEYS = """
            WITH first AS (SELECT body FROM export_rows WHERE job_id = $1 ORDER BY row_no LIMIT 1),
            ordered AS (
                SELECT k, o FROM first, json_object_keys(CASE WHEN json_typeof(first.body) = 'object' THEN first.body
                    ELSE '{}'::json END) WITH ORDINALITY AS t(k, o)),
            others AS (
                SELECT DISTINCT json_object_keys(body) AS k FROM export_rows
                WHERE job_id = $1 AND json_typeof(body) = 'object' LIMIT $2)
            (SELECT k FROM (
                SELECT k, o AS ord FROM ordered
                UNION ALL
                SELECT k, NULL FROM others WHERE k NOT IN (SELECT k FROM ordered)) keys
             ORDER BY ord NULLS LAST, k)
            UNION ALL
            (SELECT NULL FROM export_rows WHERE job_id = $1 AND json_typeof(body) <> 'object' LIMIT 1)""";

    private static final String ROWS_PAGE = """
            SELECT row_no, body::text AS body FROM export_rows WHERE job_id = $1 AND row_no > $2
            ORDER BY row_no LIMIT $3""";

    private final Pool pool;

    public ExportStore(Pool pool) {
        this.pool = pool;
    }

    /** Whether the job is an export (its file is its rows, not its records). */
    public Uni<Boolean> isExport(UUID jobId) {
        return pool.preparedQuery("SELECT kind FROM jobs WHERE id = $1").execute(Tuple.of(jobId))
                .map(rows -> rows.size() > 0 && "export".equals(rows.iterator().next().getString("kind")));
    }

    /** The columns an export's rows flatten into. */
    public Uni<ResultColumns> rowColumns(UUID jobId, int maxKeys) {
        return keys(ROW_KEYS, jobId, maxKeys, (keys, nonObject) -> ResultColumns.ofRows(keys, nonObject, maxKeys));
    }

    /**
     * The distinct top-level keys {@code query} finds (a null key: a value that is not an object), in its order, up to
     * one more than {@code maxKeys} (so that the caller can tell there were too many).
     */
    private Uni<ResultColumns> keys(String query, UUID jobId, int maxKeys,
                                    BiFunction<List<String>, Boolean, ResultColumns> columns) {
        return pool.preparedQuery(query).execute(Tuple.of(jobId, maxKeys + 1)).map(rows -> {
            LinkedHashSet<String> keys = new LinkedHashSet<>();
            boolean nonObject = false;
            for (Row r : rows) {
                String k = r.getString("k");
                if (k == null) {
                    nonObject = true;
                } else {
                    keys.add(k);
                }
            }
            return columns.apply(List.copyOf(keys), nonObject);
        });
    }

    /** An export's row and its number. */
    record Numbered(long rowNo, String body) {
    }

    /** Up to {@code limit} rows of an export after row {@code after} (-1: from the first). */
    Uni<List<Numbered>> rows(UUID jobId, long after, int limit) {
        return pool.preparedQuery(ROWS_PAGE).execute(Tuple.of(jobId, after, limit)).map(rows -> {
            List<Numbered> out = new ArrayList<>(rows.size());
            for (Row r : rows) {
                out.add(new Numbered(r.getLong("row_no"), r.getString("body")));
            }
            return out;
        });
    }

    public Uni<ResultColumns> columns(UUID jobId, int maxKeys) {
        return keys(RESULT_KEYS, jobId, maxKeys, (keys, nonObject) -> ResultColumns.of(keys, nonObject, maxKeys));
    }
}
