package io.batchwire.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.dispatch.JobChunk;
import io.batchwire.dispatch.RecordOutcome;
import io.batchwire.upstream.PendingRecord;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The write side of jobs and records, in plain SQL on the reactive Postgres pool: bulk inserts and the
 * conditional, idempotent updates the pipeline depends on. Every counter change happens in the same
 * transaction as the record changes it counts.
 */
@ApplicationScoped
public class JobStore {

    private final Pool pool;
    private final ObjectMapper json;

    public JobStore(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /** A job about to be stored: its records' inputs as JSON text (custom_id removed). */
    public record NewJob(UUID id, UUID tenantId, String type, String metadataJson,
                         Integer[] indexes, String[] customIds, String[] inputs) {
    }

    /** Stores the job as {@code accepted} with all its records, atomically; returns its creation time. */
    public Uni<OffsetDateTime> insert(NewJob job) {
        return pool.withTransaction(conn -> conn.preparedQuery("""
                        INSERT INTO jobs (id, tenant_id, type, state, total_records, metadata)
                        VALUES ($1, $2, $3, 'accepted', $4, $5::text::jsonb) RETURNING created_at""")
                .execute(Tuple.of(job.id(), job.tenantId(), job.type(), job.indexes().length, job.metadataJson()))
                .chain(rows -> conn.preparedQuery("""
                                INSERT INTO job_records (job_id, idx, custom_id, input)
                                SELECT $1, t.idx, t.custom_id, t.input::jsonb
                                FROM unnest($2::int[], $3::text[], $4::text[]) AS t(idx, custom_id, input)""")
                        .execute(Tuple.of(job.id(), job.indexes(), job.customIds(), job.inputs()))
                        .replaceWith(rows.iterator().next().getOffsetDateTime("created_at"))));
    }

    /** Records the outbox step done: every chunk of the job is on Kafka. */
    public Uni<Void> markDispatched(UUID jobId) {
        return pool.preparedQuery("UPDATE jobs SET dispatched_at = now(), dispatch_claimed_until = NULL WHERE id = $1")
                .execute(Tuple.of(jobId)).replaceWithVoid();
    }

    /** A job the outbox sweep must (re)publish. */
    public record Stranded(UUID id, UUID tenantId, String type, int totalRecords) {
    }

    /**
     * Claims accepted jobs that never reached Kafka (the process died, or the send failed) for this replica,
     * for {@code claimFor}; other replicas skip them meanwhile.
     */
    public Uni<List<Stranded>> claimStranded(Duration grace, Duration claimFor, int limit) {
        return pool.preparedQuery("""
                        UPDATE jobs SET dispatch_claimed_until = now() + make_interval(secs => $2)
                        WHERE id IN (
                            SELECT id FROM jobs
                            WHERE dispatched_at IS NULL AND state IN ('accepted', 'processing')
                              AND created_at < now() - make_interval(secs => $1)
                              AND (dispatch_claimed_until IS NULL OR dispatch_claimed_until < now())
                            ORDER BY created_at LIMIT $3
                            FOR UPDATE SKIP LOCKED)
                        RETURNING id, tenant_id, type, total_records""")
                .execute(Tuple.of((double) grace.toMillis() / 1000, (double) claimFor.toMillis() / 1000, limit))
                .map(rows -> {
                    List<Stranded> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Stranded(r.getUUID("id"), r.getUUID("tenant_id"), r.getString("type"),
                                r.getInteger("total_records")));
                    }
                    return out;
                });
    }

    /**
     * Marks the job {@code processing} (once) and reads the chunk's records that have no stored outcome yet:
     * a record already stored is never sent upstream again.
     */
    public Uni<List<PendingRecord>> startChunk(JobChunk chunk) {
        return pool.preparedQuery("""
                        -- a data-modifying WITH always runs, whether or not the SELECT reads it
                        WITH started AS (
                            UPDATE jobs SET state = 'processing', started_at = coalesce(started_at, now())
                            WHERE id = $1 AND state = 'accepted' RETURNING id)
                        SELECT r.idx, r.custom_id, r.input::text AS input
                        FROM job_records r
                        WHERE r.job_id = $1 AND r.idx >= $2 AND r.idx < $3 AND r.status = 'pending'
                        ORDER BY r.idx""")
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

    /** Ends a job that cannot run at all: its pending records fail with the reason, and the job is {@code failed}. */
    public Uni<Boolean> failJob(UUID jobId, String code, String message) {
        String error = json.createObjectNode().put("code", code).put("message", message).toString();
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT state, result_seq FROM jobs WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(jobId))
                .chain(rows -> {
                    if (rows.size() == 0 || JobState.fromWire(rows.iterator().next().getString("state")).isFinal()) {
                        return Uni.createFrom().item(false);
                    }
                    long seqBase = rows.iterator().next().getLong("result_seq");
                    return conn.preparedQuery("""
                                    WITH f AS (
                                        UPDATE job_records SET status = 'failed', error = $2::text::jsonb, seq = $4 + idx + 1,
                                            completed_at = (SELECT clock_timestamp())
                                        WHERE job_id = $1 AND status = 'pending' RETURNING 1)
                                    UPDATE jobs SET failed = failed + (SELECT count(*) FROM f), state = 'failed',
                                        result_seq = result_seq + total_records, error = $3,
                                        finished_at = clock_timestamp(), started_at = coalesce(started_at, now())
                                    WHERE id = $1""")
                            .execute(Tuple.of(jobId, error, message, seqBase)).replaceWith(true);
                }));
    }

    /**
     * Stores a batch of outcomes idempotently: only a {@code pending} record takes an outcome, counters move by
     * exactly the records that changed, and a job whose last record landed becomes {@code completed}.
     * Job rows are locked first, in id order, so outcome order ({@code seq}, and {@code completed_at}, taken once per
     * statement after the locks) follows commit order.
     *
     * @return the ids of the jobs this batch finished
     */
    public Uni<List<UUID>> storeOutcomes(List<RecordOutcome> batch) {
        Map<UUID, Map<Integer, RecordOutcome>> byJob = new HashMap<>();
        for (RecordOutcome o : batch) {
            byJob.computeIfAbsent(o.jobId(), k -> new LinkedHashMap<>()).putIfAbsent(o.index(), o);
        }
        UUID[] jobIds = byJob.keySet().stream().sorted().toArray(UUID[]::new);
        return pool.withTransaction(conn -> lockJobs(conn, jobIds)
                .chain(seqBase -> updateRecords(conn, byJob, seqBase))
                .chain(changed -> updateJobs(conn, changed)));
    }

    private Uni<Map<UUID, Long>> lockJobs(SqlConnection conn, UUID[] jobIds) {
        // a final job has no pending record left, so nothing of this batch can change it
        return conn.preparedQuery("""
                        SELECT id, result_seq FROM jobs WHERE id = ANY($1) AND state IN ('accepted', 'processing')
                        ORDER BY id FOR UPDATE""")
                .execute(Tuple.of(jobIds))
                .map(rows -> {
                    Map<UUID, Long> base = new HashMap<>();
                    for (Row r : rows) {
                        base.put(r.getUUID("id"), r.getLong("result_seq"));
                    }
                    return base;
                });
    }

    private record Changed(Map<UUID, int[]> counts, Map<UUID, Integer> seqUsed) {
    }

    private Uni<Changed> updateRecords(SqlConnection conn, Map<UUID, Map<Integer, RecordOutcome>> byJob,
                                       Map<UUID, Long> seqBase) {
        int n = byJob.values().stream().mapToInt(Map::size).sum();
        UUID[] jobs = new UUID[n];
        Integer[] idx = new Integer[n];
        String[] status = new String[n];
        Integer[] code = new Integer[n];
        Integer[] attempts = new Integer[n];
        OffsetDateTime[] started = new OffsetDateTime[n];
        Long[] duration = new Long[n];
        Long[] seq = new Long[n];
        String[] result = new String[n];
        String[] error = new String[n];
        Map<UUID, Integer> seqUsed = new HashMap<>();
        int i = 0;
        for (var e : byJob.entrySet()) {
            Long base = seqBase.get(e.getKey());
            if (base == null) {
                continue; // job already final or gone: nothing to store
            }
            int ord = 0;
            for (RecordOutcome o : e.getValue().values()) {
                jobs[i] = o.jobId();
                idx[i] = o.index();
                status[i] = o.status().wire();
                code[i] = o.statusCode();
                attempts[i] = o.attempts();
                started[i] = o.startedAt() == null ? null : o.startedAt().atOffset(ZoneOffset.UTC);
                duration[i] = o.durationMs();
                seq[i] = base + (++ord);
                result[i] = o.result() == null ? null : o.result().toString();
                error[i] = o.error() == null ? null : json.valueToTree(o.error()).toString();
                i++;
            }
            seqUsed.put(e.getKey(), ord);
        }
        if (i == 0) {
            return Uni.createFrom().item(new Changed(Map.of(), Map.of()));
        }
        int used = i;
        return conn.preparedQuery("""
                        UPDATE job_records r SET status = t.status, status_code = t.status_code, attempts = t.attempts,
                            started_at = t.started_at, duration_ms = t.duration_ms, seq = t.seq,
                            completed_at = (SELECT clock_timestamp()), result = t.result::jsonb, error = t.error::jsonb
                        FROM unnest($1::uuid[], $2::int[], $3::text[], $4::int[], $5::int[], $6::timestamptz[],
                                    $7::bigint[], $8::bigint[], $9::text[], $10::text[])
                             AS t(job_id, idx, status, status_code, attempts, started_at, duration_ms, seq, result, error)
                        WHERE r.job_id = t.job_id AND r.idx = t.idx AND r.status = 'pending' AND t.status <> 'pending'
                        RETURNING r.job_id, r.status""")
                .execute(Tuple.from(new Object[]{trim(jobs, used), trim(idx, used), trim(status, used), trim(code, used),
                        trim(attempts, used), trim(started, used), trim(duration, used), trim(seq, used),
                        trim(result, used), trim(error, used)}))
                .map(rows -> {
                    Map<UUID, int[]> counts = new HashMap<>();
                    for (Row r : rows) {
                        int[] c = counts.computeIfAbsent(r.getUUID("job_id"), k -> new int[4]);
                        c[RecordState.fromWire(r.getString("status")).ordinal() - 1]++;
                    }
                    return new Changed(counts, seqUsed);
                });
    }

    private Uni<List<UUID>> updateJobs(SqlConnection conn, Changed changed) {
        if (changed.counts().isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        int n = changed.counts().size();
        UUID[] ids = new UUID[n];
        Integer[] s = new Integer[n], f = new Integer[n], t = new Integer[n], c = new Integer[n], seq = new Integer[n];
        int i = 0;
        for (var e : changed.seqUsed().entrySet()) {
            int[] counts = changed.counts().get(e.getKey());
            if (counts == null) {
                continue;
            }
            ids[i] = e.getKey();
            s[i] = counts[0];
            f[i] = counts[1];
            t[i] = counts[2];
            c[i] = counts[3];
            seq[i] = e.getValue();
            i++;
        }
        return conn.preparedQuery("""
                        WITH upd AS (
                            UPDATE jobs j SET succeeded = j.succeeded + u.s, failed = j.failed + u.f,
                                timed_out = j.timed_out + u.t, cancelled = j.cancelled + u.c, result_seq = j.result_seq + u.seq,
                                state = CASE WHEN j.state IN ('accepted', 'processing')
                                              AND j.succeeded + u.s + j.failed + u.f + j.timed_out + u.t + j.cancelled + u.c = j.total_records
                                             THEN 'completed' ELSE j.state END,
                                finished_at = CASE WHEN j.state IN ('accepted', 'processing')
                                              AND j.succeeded + u.s + j.failed + u.f + j.timed_out + u.t + j.cancelled + u.c = j.total_records
                                             THEN clock_timestamp() ELSE j.finished_at END
                            FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[], $5::int[], $6::int[]) AS u(id, s, f, t, c, seq)
                            WHERE j.id = u.id
                            RETURNING j.id, j.state)
                        SELECT id FROM upd WHERE state = 'completed'""")
                .execute(Tuple.of(ids, s, f, t, c, seq))
                .map(rows -> {
                    List<UUID> finished = new ArrayList<>();
                    for (Row r : rows) {
                        finished.add(r.getUUID("id"));
                    }
                    return finished;
                });
    }

    private static <T> T[] trim(T[] a, int n) {
        return n == a.length ? a : java.util.Arrays.copyOf(a, n);
    }

    private JsonNode readTree(String text) {
        try {
            return json.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException("stored record input is not JSON", e);
        }
    }

}
