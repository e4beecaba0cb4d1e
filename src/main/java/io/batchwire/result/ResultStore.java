package io.batchwire.result;

import io.batchwire.job.RecordState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** Reads record outcomes, keyset-paged; the indexes on (job_id, idx) and (job_id, seq) serve both orders. */
@ApplicationScoped
public class ResultStore {

    static final String COLUMNS = """
            idx, custom_id, status, status_code, attempts, started_at, completed_at, duration_ms,
            result::text AS result, error::text AS error, seq""";

    private final Pool pool;

    public ResultStore(Pool pool) {
        this.pool = pool;
    }

    /** A row and the key the next page continues after. */
    public record Keyed(RecordView result, long key) {
    }

    public Uni<List<Keyed>> page(ResultQuery q, Long after) {
        boolean bySeq = q.order() == ResultQuery.Order.COMPLETED_AT;
        return page(q, after, COLUMNS, r -> new Keyed(map(r), bySeq ? r.getLong("seq") : r.getInteger("idx")));
    }

    /**
     * The same page with the caller's select list (which must include {@code idx} and {@code seq}) and row mapping,
     * for views that show other columns of a record, e.g. without the bodies.
     */
    public <T> Uni<List<T>> page(ResultQuery q, Long after, String columns, Function<Row, T> mapper) {
        boolean bySeq = q.order() == ResultQuery.Order.COMPLETED_AT;
        String key = bySeq ? "seq" : "idx";
        StringBuilder sql = new StringBuilder("SELECT ").append(columns).append(" FROM job_records WHERE job_id = $1");
        List<Object> args = new ArrayList<>();
        args.add(q.jobId());
        if (bySeq) {
            sql.append(" AND seq IS NOT NULL");
        }
        if (after != null) {
            args.add(after);
            sql.append(" AND ").append(key).append(" > $").append(args.size());
        }
        if (!q.statuses().isEmpty()) {
            args.add(q.statuses().stream().map(RecordState::wire).toArray(String[]::new));
            sql.append(" AND status = ANY($").append(args.size()).append(")");
        }
        if (q.sinceCompletedAt() != null) {
            args.add(q.sinceCompletedAt());
            sql.append(" AND completed_at >= $").append(args.size());
        }
        args.add(q.limit());
        sql.append(" ORDER BY ").append(key).append(" LIMIT $").append(args.size());
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(rows -> {
            List<T> out = new ArrayList<>(rows.size());
            for (Row r : rows) {
                out.add(mapper.apply(r));
            }
            return out;
        });
    }

    /** One record by index, or else by custom_id. */
    public Uni<RecordView> one(UUID jobId, String key) {
        Integer index = null;
        if (key.matches("\\d{1,9}")) {
            index = Integer.parseInt(key);
        }
        return pool.preparedQuery("SELECT " + COLUMNS + """
                         FROM job_records WHERE job_id = $1 AND (idx = $2 OR custom_id = $3)
                        ORDER BY (idx = $2) DESC NULLS LAST LIMIT 1""")
                .execute(Tuple.of(jobId, index, key))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    static RecordView map(Row r) {
        return RecordView.ofJob(r.getInteger("idx"), r.getString("custom_id"), RecordState.fromWire(r.getString("status")).wire(),
                r.getInteger("status_code"), r.getInteger("attempts"), r.getOffsetDateTime("started_at"),
                r.getOffsetDateTime("completed_at"), r.getLong("duration_ms"), r.getString("result"), r.getString("error"));
    }
}
