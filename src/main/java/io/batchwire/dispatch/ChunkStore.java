package io.batchwire.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.job.JobState;
import io.batchwire.job.JobTransitions;
import io.batchwire.job.RecordTransitions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/** Starts a chunk: the job becomes {@code processing} (once) and the chunk's records without an outcome are read. */
@ApplicationScoped
public class ChunkStore {

    private static final String START = """
            -- a data-modifying WITH always runs, whether or not the SELECT reads it
            WITH started AS (
                UPDATE jobs SET state = %s, started_at = coalesce(started_at, now())
                WHERE id = $1 AND state IN (%s) RETURNING id)
            SELECT r.idx, r.custom_id, r.input::text AS input
            FROM job_records r
            WHERE r.job_id = $1 AND r.idx >= $2 AND r.idx < $3 AND r.status IN (%s)
            ORDER BY r.idx""".formatted(JobTransitions.sql(JobState.PROCESSING),
            JobTransitions.sqlStatesThatMayMoveTo(JobState.PROCESSING), RecordTransitions.sqlMayTakeOutcome());

    private final Pool pool;
    private final ObjectMapper json;

    public ChunkStore(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /**
     * Marks the job {@code processing} (once) and reads the chunk's records that have no stored outcome yet:
     * a record already stored is never sent upstream again.
     */
    public Uni<List<PendingRecord>> start(JobChunk chunk) {
        return pool.preparedQuery(START)
                .execute(Tuple.of(chunk.jobId(), chunk.from(), chunk.to()))
                .map(rows -> {
                    List<PendingRecord> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new PendingRecord(chunk.jobId(), r.getInteger("idx"), r.getString("custom_id"),
                                readTree(r.getString("input"))));
                    }
                    return out;
                });
    }

    private JsonNode readTree(String text) {
        try {
            return json.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException("stored record input is not JSON", e);
        }
    }
}
