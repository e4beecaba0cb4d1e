package io.batchwire.result.export;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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

    private final Pool pool;

    public ExportStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<ResultColumns> columns(UUID jobId, int maxKeys) {
        return pool.preparedQuery(RESULT_KEYS).execute(Tuple.of(jobId, maxKeys + 1)).map(rows -> {
            List<String> keys = new ArrayList<>(rows.size());
            boolean nonObject = false;
            for (Row r : rows) {
                String k = r.getString("k");
                if (k == null) {
                    nonObject = true;
                } else {
                    keys.add(k);
                }
            }
            return ResultColumns.of(keys, nonObject, maxKeys);
        });
    }
}
