package io.batchwire.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.job.JobEndings;
import io.batchwire.job.JobState;
import io.batchwire.job.JobTransitions;
import io.batchwire.job.RecordTransitions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Starts chunks under a claim. A replica claims a chunk in the statement that reads its pending records, so no two
 * live replicas ever send the records of one chunk; a claim held by a replica whose lease ran out is taken over. The
 * holder gives a claim back ({@link #release}) once the outcomes of everything it sent are stored. Claims of ended
 * jobs go in the transaction that ends them (this is a {@link JobEndings}).
 */
@ApplicationScoped
public class ChunkStore implements JobEndings {

    /**
     * Marks the job processing (once), claims the chunk for {@code $4} if it is free or held by a dead replica (a
     * live holder, this replica included, keeps it), and reads its pending records when the claim is ours; the last row
     * (no idx) says whether the job exists (or existed: retention left a tombstone), how many records of the chunk are
     * pending, whether the claim is ours, the weight of the job's tenant (its plan's), the job's kind (an export's
     * records are the pages of its upstream's answer), and its records' own time limit (a collection run's).
     */
    private static final String START = """
            -- data-modifying WITHs always run, whether or not the SELECT reads them
            WITH started AS (
                UPDATE jobs SET state = %s, started_at = coalesce(started_at, now())
                WHERE id = $1 AND state IN (%s) RETURNING id),
            claim AS (
                INSERT INTO chunk_claims AS c (job_id, from_idx, claimed_by) VALUES ($1, $2, $4)
                ON CONFLICT (job_id, from_idx) DO UPDATE SET claimed_by = EXCLUDED.claimed_by, claimed_at = now()
                WHERE NOT EXISTS (SELECT 1 FROM replicas x WHERE x.id = c.claimed_by AND x.lease_until > now())
                RETURNING 1),
            pending AS (
                SELECT r.idx, r.custom_id, r.input FROM job_records r
                WHERE r.job_id = $1 AND r.idx >= $2 AND r.idx < $3 AND r.status IN (%s))
            SELECT p.idx, p.custom_id, p.input::text AS input, NULL::bigint AS pending, NULL::boolean AS known,
                   NULL::boolean AS ours, NULL::int AS weight, NULL::text AS kind, NULL::int AS record_timeout,
                   NULL::text AS trace_parent
            FROM pending p WHERE EXISTS (SELECT 1 FROM claim)
            UNION ALL
            SELECT NULL, NULL, NULL, (SELECT count(*) FROM pending),
                   EXISTS (SELECT 1 FROM jobs WHERE id = $1) OR EXISTS (SELECT 1 FROM expired_jobs WHERE id = $1),
                   EXISTS (SELECT 1 FROM claim),
                   (SELECT p.weight FROM jobs j JOIN tenants t ON t.id = j.tenant_id JOIN plans p ON p.name = t.plan
                    WHERE j.id = $1),
                   (SELECT kind FROM jobs WHERE id = $1),
                   (SELECT record_timeout_seconds FROM jobs WHERE id = $1),
                   (SELECT trace_parent FROM jobs WHERE id = $1)
            ORDER BY 1 NULLS LAST""".formatted(JobTransitions.sql(JobState.PROCESSING),
            JobTransitions.sqlStatesThatMayMoveTo(JobState.PROCESSING), RecordTransitions.sqlMayTakeOutcome());

    private static final String STILL_PENDING = "SELECT count(*) AS n FROM job_records WHERE job_id = $1 AND idx = ANY($2) AND status IN (%s)"
            .formatted(RecordTransitions.sqlMayTakeOutcome());

    private final Pool pool;
    private final ObjectMapper json;

    public ChunkStore(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /**
     * What starting a chunk found: whether its job exists, how many of its records are pending, and, when the claim is
     * this replica's, those records (a record already stored is never sent upstream again); and the weight of the
     * job's tenant on the upstream; each record's own time limit over all its attempts (null: none); and the job's
     * trace context (null with tracing off).
     */
    public record Start(boolean jobKnown, int pending, boolean claimed, List<PendingRecord> records, int weight,
                        boolean export, Duration recordTimeLimit, String traceParent) {
    }

    public Uni<Start> start(JobChunk chunk, UUID replica) {
        return pool.preparedQuery(START)
                .execute(Tuple.of(chunk.jobId(), chunk.from(), chunk.to(), replica))
                .map(rows -> {
                    List<PendingRecord> out = new ArrayList<>();
                    Start summary = null;
                    for (Row r : rows) {
                        Integer idx = r.getInteger("idx");
                        if (idx != null) {
                            out.add(new PendingRecord(chunk.jobId(), idx, r.getString("custom_id"), readTree(r.getString("input"))));
                        } else {
                            Integer weight = r.getInteger("weight");
                            Integer limit = r.getInteger("record_timeout");
                            summary = new Start(r.getBoolean("known"), r.getLong("pending").intValue(), r.getBoolean("ours"), out,
                                    weight == null ? 1 : weight, "export".equals(r.getString("kind")),
                                    limit == null ? null : Duration.ofSeconds(limit), r.getString("trace_parent"));
                        }
                    }
                    return summary;
                });
    }

    /** How many of these records of the job are still without a stored outcome. */
    public Uni<Integer> stillPending(UUID jobId, Integer[] indexes) {
        return pool.preparedQuery(STILL_PENDING).execute(Tuple.of(jobId, indexes))
                .map(rows -> rows.iterator().next().getLong("n").intValue());
    }

    /** Gives a claim back, if this replica still holds it. */
    public Uni<Void> release(JobChunk chunk, UUID replica) {
        return pool.preparedQuery("DELETE FROM chunk_claims WHERE job_id = $1 AND from_idx = $2 AND claimed_by = $3")
                .execute(Tuple.of(chunk.jobId(), chunk.from(), replica)).replaceWithVoid();
    }

    @Override
    public Uni<Void> ended(SqlConnection conn, UUID[] jobIds) {
        return conn.preparedQuery("DELETE FROM chunk_claims WHERE job_id = ANY($1)").execute(Tuple.of(jobIds)).replaceWithVoid();
    }

    private JsonNode readTree(String text) {
        try {
            return json.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException("stored record input is not JSON", e);
        }
    }
}
