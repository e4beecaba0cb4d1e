package io.batchwire.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.delivery.DeliveryStore;
import io.batchwire.dispatch.JobChunk;
import io.batchwire.dispatch.RecordOutcome;
import io.batchwire.idempotency.IdempotencyStore;
import io.batchwire.tenant.Quota;
import io.batchwire.upstream.PendingRecord;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
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
    private final Quota quota;
    private final IdempotencyStore idempotency;
    private final DeliveryStore deliveries;

    public JobStore(Pool pool, ObjectMapper json, Quota quota, IdempotencyStore idempotency, DeliveryStore deliveries) {
        this.deliveries = deliveries;
        this.pool = pool;
        this.json = json;
        this.quota = quota;
        this.idempotency = idempotency;
    }

    /**
     * The submitting replica's lease on publishing a new job: the outbox sweep leaves the job alone until it runs out,
     * so a slow publish is not doubled. Longer than the producer's delivery timeout.
     */
    static final Duration PUBLISH_LEASE = Duration.ofMinutes(3);

    /** A job about to be stored: its records' inputs as JSON text (custom_id removed). */
    public record NewJob(UUID id, UUID tenantId, String type, String metadataJson, Integer timeoutSeconds,
                         String webhookUrl, String resultUrl, String format, UUID collectionId,
                         Integer[] indexes, String[] customIds, String[] inputs) {
    }

    /** What the store made of a new job. */
    public record Stored(OffsetDateTime createdAt, Integer timeoutSeconds) {
    }

    /**
     * Stores the job as {@code accepted} with all its records, atomically, if the tenant's plan admits it, and
     * completes the request's idempotency key in the same transaction. The plan's per-job size check, the job and its
     * records are one statement; that statement, the tenant's lock and usage read ({@link Quota#usage}) and the
     * idempotency update are sent at once, pipelined on the connection, and run in that order: a submit costs BEGIN,
     * one round trip of statements and COMMIT, since under load every round trip waits its turn on a busy event loop
     * and a busy database. The tenant's lock comes after the inserts, so it is held only for the usage read and the
     * commit.
     */
    public Uni<Stored> insert(NewJob job, IdempotencyStore.Claim claim) {
        int n = job.indexes().length;
        return pool.withTransaction(conn -> {
            Uni<RowSet<Row>> inserted = conn.preparedQuery("""
                            WITH plan AS (
                                SELECT p.max_records_per_job, p.default_timeout_seconds
                                FROM tenants t JOIN plans p ON p.name = t.plan WHERE t.id = $2),
                            job AS (
                                INSERT INTO jobs (id, tenant_id, type, state, total_records, metadata, timeout_seconds,
                                                  deadline_at, dispatch_claimed_until, webhook_url, result_url, format,
                                                  collection_id)
                                SELECT $1, $2, $3, 'accepted', $4, $5::text::jsonb, coalesce($6::int, plan.default_timeout_seconds),
                                       now() + make_interval(secs => coalesce($6::int, plan.default_timeout_seconds)),
                                       now() + make_interval(secs => $7), $8, $9, $10, $11
                                FROM plan WHERE plan.max_records_per_job >= $4
                                RETURNING created_at, timeout_seconds),
                            records AS (
                                INSERT INTO job_records (job_id, idx, custom_id, input)
                                SELECT $1, t.idx, t.custom_id, t.input::jsonb
                                FROM job, unnest($12::int[], $13::text[], $14::text[]) AS t(idx, custom_id, input))
                            SELECT created_at, timeout_seconds FROM job""")
                    .execute(Tuple.of(job.id(), job.tenantId(), job.type(), n, job.metadataJson(), job.timeoutSeconds())
                            .addDouble((double) PUBLISH_LEASE.toSeconds())
                            .addString(job.webhookUrl()).addString(job.resultUrl()).addString(job.format())
                            .addUUID(job.collectionId())
                            .addArrayOfInteger(job.indexes()).addArrayOfString(job.customIds()).addArrayOfString(job.inputs()));
            Uni<Row> usage = quota.usage(conn, job.tenantId(), job.id());
            Uni<Void> key = idempotency.complete(conn, claim, job.id());
            return Uni.combine().all().unis(inserted, usage, key).asTuple().chain(done -> {
                RowSet<Row> rows = done.getItem1();
                if (rows.size() != 1) {
                    return quota.refusal(conn, job.tenantId(), n);
                }
                return quota.check(conn, job.tenantId(), n, done.getItem2()).replaceWith(stored(rows.iterator().next()));
            });
        });
    }

    private static Stored stored(Row row) {
        return new Stored(row.getOffsetDateTime("created_at"), row.getInteger("timeout_seconds"));
    }

    /** Records the outbox step done: every chunk of the job is on Kafka. */
    public Uni<Void> markDispatched(UUID jobId) {
        return pool.preparedQuery("UPDATE jobs SET dispatched_at = now(), dispatch_claimed_until = NULL WHERE id = $1")
                .execute(Tuple.of(jobId)).replaceWithVoid();
    }

    /** Gives up the submitting replica's publish lease after a failed publish, so the sweep retries soon. */
    public Uni<Void> releasePublishLease(UUID jobId) {
        return pool.preparedQuery("UPDATE jobs SET dispatch_claimed_until = NULL WHERE id = $1 AND dispatched_at IS NULL")
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

    /** How a job ends early, and what its still-pending records become. */
    public enum EarlyEnd {
        /** The job as a whole cannot run: pending records fail. */
        FAIL(RecordState.FAILED, JobState.FAILED),
        /** The client cancelled: pending records are cancelled. */
        CANCEL(RecordState.CANCELLED, JobState.CANCELLED),
        /** The job's time limit passed: pending records time out, and the job is complete. */
        TIME_OUT(RecordState.TIMED_OUT, JobState.COMPLETED);

        final RecordState records;
        final JobState job;

        EarlyEnd(RecordState records, JobState job) {
            this.records = records;
            this.job = job;
        }
    }

    /** The result of trying to end a job early: its state before, and whether this call ended it. */
    public record Ended(JobState before, boolean ended) {
    }

    /**
     * Ends an unfinished job now: every pending record gets the end's record state (finished records keep their
     * outcomes), counters move by exactly those records, and the job takes the end's state. A job that is already
     * final is left alone. {@code tenantId} may be null for internal callers.
     */
    public Uni<Ended> endEarly(UUID jobId, UUID tenantId, EarlyEnd end, String code, String message) {
        String error = json.createObjectNode().put("code", code).put("message", message).toString();
        return pool.withTransaction(conn -> conn.preparedQuery("""
                        SELECT state, result_seq FROM jobs WHERE id = $1 AND ($2::uuid IS NULL OR tenant_id = $2) FOR UPDATE""")
                .execute(Tuple.of(jobId, tenantId))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item((Ended) null);
                    }
                    Row row = rows.iterator().next();
                    JobState before = JobState.fromWire(row.getString("state"));
                    if (!before.canMoveTo(end.job)) {
                        return Uni.createFrom().item(new Ended(before, false));
                    }
                    return conn.preparedQuery("""
                                    WITH f AS (
                                        UPDATE job_records SET status = $5, error = $2::text::jsonb, seq = $4 + idx + 1,
                                            completed_at = (SELECT clock_timestamp())
                                        WHERE job_id = $1 AND status = 'pending' RETURNING 1)
                                    UPDATE jobs SET
                                        failed = failed + CASE WHEN $5 = 'failed' THEN (SELECT count(*) FROM f) ELSE 0 END,
                                        cancelled = cancelled + CASE WHEN $5 = 'cancelled' THEN (SELECT count(*) FROM f) ELSE 0 END,
                                        timed_out = timed_out + CASE WHEN $5 = 'timed_out' THEN (SELECT count(*) FROM f) ELSE 0 END,
                                        state = $6, result_seq = result_seq + total_records, error = $3,
                                        finished_at = clock_timestamp(), started_at = coalesce(started_at, now())
                                    WHERE id = $1""")
                            .execute(Tuple.of(jobId, error, message, row.getLong("result_seq"), end.records.wire(), end.job.wire()))
                            .chain(() -> deliveries.enqueue(conn, new UUID[]{jobId}))
                            .replaceWith(new Ended(before, true));
                }));
    }

    /** Whether the tenant had this job and retention removed it. */
    public Uni<Boolean> isExpired(UUID tenantId, UUID jobId) {
        return pool.preparedQuery("SELECT 1 FROM expired_jobs WHERE id = $1 AND tenant_id = $2")
                .execute(Tuple.of(jobId, tenantId)).map(rows -> rows.size() > 0);
    }

    /** Jobs past their deadline that are still running (at most {@code limit}). */
    public Uni<List<UUID>> overdue(int limit) {
        return pool.preparedQuery("""
                        SELECT id FROM jobs WHERE deadline_at < now() AND state IN ('accepted', 'processing')
                        ORDER BY deadline_at LIMIT $1""")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    List<UUID> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getUUID("id")));
                    return out;
                });
    }

    /** Of the given jobs, those that are final (cancelled, failed, timed out or complete). */
    public Uni<List<UUID>> finalAmong(UUID[] jobIds) {
        return pool.preparedQuery("SELECT id FROM jobs WHERE id = ANY($1) AND state IN ('completed', 'failed', 'cancelled')")
                .execute(Tuple.of(jobIds))
                .map(rows -> {
                    List<UUID> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getUUID("id")));
                    return out;
                });
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
                })
                .call(finished -> deliveries.enqueue(conn, finished.toArray(UUID[]::new)));
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
