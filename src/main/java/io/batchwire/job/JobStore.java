package io.batchwire.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.idempotency.IdempotencyStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The write side of jobs, in plain SQL on the reactive Postgres pool: a new job with all its records, and the early
 * ends (cancel, time limit, failure). Every counter change happens in the same transaction as the record changes it
 * counts, and every end runs the {@link JobEndings} in that transaction. The states in its SQL come from
 * {@link JobTransitions} and {@link RecordTransitions}.
 */
@ApplicationScoped
public class JobStore {

    /**
     * The submitting replica's lease on publishing a new job (the outbox): the sweep leaves the job alone until it
     * runs out, so a slow publish is not doubled. Longer than the producer's delivery timeout.
     */
    public static final Duration PUBLISH_LEASE = Duration.ofMinutes(3);

    private static final String INSERT = """
            WITH plan AS (
                SELECT p.max_records_per_job, p.default_timeout_seconds
                FROM tenants t JOIN plans p ON p.name = t.plan WHERE t.id = $2),
            job AS (
                INSERT INTO jobs (id, tenant_id, type, state, total_records, metadata, timeout_seconds,
                                  deadline_at, dispatch_claimed_until, webhook_url, result_url, format,
                                  collection_id, kind, record_timeout_seconds, trace_parent)
                SELECT $1, $2, $3, %s, $4, $5::text::jsonb, coalesce($6::int, plan.default_timeout_seconds),
                       now() + make_interval(secs => coalesce($6::int, plan.default_timeout_seconds)),
                       now() + make_interval(secs => $7), $8, $9, $10, $11, $15, $16, $17
                FROM plan WHERE plan.max_records_per_job >= $4
                RETURNING created_at, timeout_seconds),
            records AS (
                INSERT INTO job_records (job_id, idx, custom_id, input)
                SELECT $1, t.idx, t.custom_id, t.input::jsonb
                FROM job, unnest($12::int[], $13::text[], $14::text[]) AS t(idx, custom_id, input))
            SELECT created_at, timeout_seconds FROM job""".formatted(JobTransitions.sql(JobTransitions.INITIAL));

    private static final String OVERDUE = """
            SELECT id FROM jobs WHERE deadline_at < now() AND state IN (%s)
            ORDER BY deadline_at LIMIT $1""".formatted(JobTransitions.sqlRunning());

    private static final String FINAL_AMONG = "SELECT id FROM jobs WHERE id = ANY($1) AND state IN (%s)"
            .formatted(JobTransitions.sqlFinal());

    private final Pool pool;
    private final ObjectMapper json;
    private final JobAdmission admission;
    private final IdempotencyStore idempotency;
    private final Instance<JobEndings> endings;
    private final JobQueue queue;

    public JobStore(Pool pool, ObjectMapper json, JobAdmission admission, IdempotencyStore idempotency,
                    Instance<JobEndings> endings, JobQueue queue) {
        this.pool = pool;
        this.json = json;
        this.admission = admission;
        this.idempotency = idempotency;
        this.endings = endings;
        this.queue = queue;
    }

    /**
     * A job about to be stored: its records' inputs as JSON text (custom_id removed); {@code recordTimeoutSeconds} is
     * each record's own time limit over all its attempts (a collection run's), null for none.
     */
    public record NewJob(UUID id, UUID tenantId, String type, String metadataJson, Integer timeoutSeconds,
                         String webhookUrl, String resultUrl, String format, UUID collectionId,
                         Integer[] indexes, String[] customIds, String[] inputs, String kind, Integer recordTimeoutSeconds,
                         String traceParent) {

        /** The same job in the trace that {@code traceParent} names (null: none). */
        public NewJob withTraceParent(String traceParent) {
            return new NewJob(id, tenantId, type, metadataJson, timeoutSeconds, webhookUrl, resultUrl, format, collectionId,
                    indexes, customIds, inputs, kind, recordTimeoutSeconds, traceParent);
        }
    }

    /**
     * What the store made of a new job: when, its time limit, the state it was stored in (running at once, or waiting
     * for a slot), the credits charged, and the tenant's queued-record quota after it.
     */
    public record Stored(OffsetDateTime createdAt, Integer timeoutSeconds, JobState state, long creditsCharged,
                         JobAdmission.Quota quota) {
    }

    /**
     * Stores the job with all its records, atomically, if the tenant's plan admits it (in its initial state, or waiting
     * when the plan's concurrent-jobs slots are taken; charged on a metered plan: {@link JobAdmission#check}), and
     * completes the request's idempotency key in the same transaction. The plan's per-job size check, the job and its
     * records are one statement; that statement, the tenant's lock and usage read ({@link JobAdmission#usage}) and the
     * idempotency update are sent at once, pipelined on the connection, and run in that order: a submit costs BEGIN,
     * one round trip of statements and COMMIT, since under load every round trip waits its turn on a busy event loop
     * and a busy database. The tenant's lock comes after the inserts, so it is held only for the usage read and the
     * commit, and the commit does not wait for the WAL flush ({@link WalFlush}): a submit of the same tenant waiting for
     * the lock starts as soon as this one's commit record is written, not once the disk has its 1,000 rows. The answer
     * waits for that flush ({@link WalFlush#flushed}), so no job is answered as stored before it is durable.
     */
    public Uni<Stored> insert(NewJob job, IdempotencyStore.Claim claim) {
        int n = job.indexes().length;
        return pool.withTransaction(conn -> {
            Uni<RowSet<Row>> unflushed = conn.query(WalFlush.UNFLUSHED_COMMIT).execute();
            Uni<RowSet<Row>> inserted = conn.preparedQuery(INSERT)
                    .execute(Tuple.of(job.id(), job.tenantId(), job.type(), n, job.metadataJson(), job.timeoutSeconds())
                            .addDouble((double) PUBLISH_LEASE.toSeconds())
                            .addString(job.webhookUrl()).addString(job.resultUrl()).addString(job.format())
                            .addUUID(job.collectionId())
                            .addArrayOfInteger(job.indexes()).addArrayOfString(job.customIds()).addArrayOfString(job.inputs())
                            .addString(job.kind()).addInteger(job.recordTimeoutSeconds()).addString(job.traceParent()));
            Uni<Row> usage = admission.usage(conn, job.tenantId(), job.id());
            Uni<Void> key = idempotency.complete(conn, claim, job.id());
            return Uni.combine().all().unis(unflushed, inserted, usage, key).asTuple().chain(done -> {
                RowSet<Row> rows = done.getItem2();
                if (rows.size() != 1) {
                    return admission.refusal(conn, job.tenantId(), n);
                }
                Row row = rows.iterator().next();
                return admission.check(conn, job, done.getItem3()).map(admitted -> new Stored(
                        row.getOffsetDateTime("created_at"), row.getInteger("timeout_seconds"), admitted.state(),
                        admitted.charged(), admitted.quota()));
            });
        }).call(stored -> flushed());
    }

    /** Completes once every job stored before the call is on disk ({@link WalFlush#flushed}). */
    Uni<Void> flushed() {
        return WalFlush.flushed(pool);
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
        /** Ends the pending records and the job, moving the records' counter by exactly the records it ended. */
        final String sql;

        EarlyEnd(RecordState records, JobState job) {
            this.records = records;
            this.job = job;
            String counter = RecordTransitions.counterColumn(records);
            this.sql = """
                    WITH f AS (
                        UPDATE job_records SET status = %s, error = $2::text::jsonb, seq = $4 + idx + 1,
                            completed_at = (SELECT clock_timestamp())
                        WHERE job_id = $1 AND status IN (%s) RETURNING 1)
                    UPDATE jobs SET %s = %s + (SELECT count(*) FROM f),
                        state = %s, result_seq = result_seq + total_records, error = $3,
                        finished_at = clock_timestamp(), started_at = coalesce(started_at, now())
                    WHERE id = $1""".formatted(RecordTransitions.sql(records), RecordTransitions.sqlMayTakeOutcome(),
                    counter, counter, JobTransitions.sql(job));
        }
    }

    /** The result of trying to end a job early: its state before, and whether this call ended it. */
    public record Ended(JobState before, boolean ended) {
    }

    /**
     * Ends an unfinished job now: every pending record gets the end's record state (finished records keep their
     * outcomes), counters move by exactly those records, and the job takes the end's state. A job whose state may not
     * move there ({@link JobTransitions}) is left alone. {@code tenantId} may be null for internal callers.
     */
    public Uni<Ended> endEarly(UUID jobId, UUID tenantId, EarlyEnd end, String code, String message) {
        String error = json.createObjectNode().put("code", code).put("message", message).toString();
        List<JobQueue.Promoted> promoted = new ArrayList<>();
        return pool.withTransaction(conn -> conn.preparedQuery("""
                        SELECT state, result_seq FROM jobs WHERE id = $1 AND ($2::uuid IS NULL OR tenant_id = $2) FOR UPDATE""")
                .execute(Tuple.of(jobId, tenantId))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item((Ended) null);
                    }
                    Row row = rows.iterator().next();
                    JobState before = JobState.fromWire(row.getString("state"));
                    if (!JobTransitions.allowed(before, end.job)) {
                        return Uni.createFrom().item(new Ended(before, false));
                    }
                    return conn.preparedQuery(end.sql)
                            .execute(Tuple.of(jobId, error, message, row.getLong("result_seq")))
                            .chain(() -> ended(conn, new UUID[]{jobId}))
                            .invoke(promoted::addAll)
                            .replaceWith(new Ended(before, true));
                }))
                // committed: the jobs promoted into the slot start now
                .invoke(() -> queue.start(promoted));
    }

    /**
     * Runs every {@link JobEndings} in {@code conn}'s transaction, one after another, for jobs that just ended, then
     * promotes queued jobs of their tenants into the slots they freed ({@link JobQueue}): the caller
     * {@link #startPromoted starts} those once the transaction has committed.
     */
    public Uni<List<JobQueue.Promoted>> ended(SqlConnection conn, UUID[] jobIds) {
        if (jobIds.length == 0) {
            return Uni.createFrom().item(List.of());
        }
        return Multi.createFrom().iterable(endings)
                .onItem().transformToUniAndConcatenate(e -> e.ended(conn, jobIds))
                .collect().last()
                .chain(() -> queue.promoteAfterEnd(conn, jobIds));
    }

    /** Publishes jobs that {@link #ended} promoted, once their transaction has committed. */
    public void startPromoted(List<JobQueue.Promoted> promoted) {
        queue.start(promoted);
    }

    private static final String LOAD_ANY = Job.SELECT + " WHERE j.id = $1";
    private static final String LOAD = LOAD_ANY + " AND j.tenant_id = $2";

    /** The job, if {@code tenantId} has it; null if not. Plain SQL, no session. */
    public Uni<Job> load(UUID tenantId, UUID jobId) {
        // a tenant's read never falls through to the operator's: no tenant is a mistake, not "any tenant"
        Objects.requireNonNull(tenantId, "tenantId");
        return pool.preparedQuery(LOAD).execute(Tuple.of(jobId, tenantId)).map(JobStore::job);
    }

    /** The job whichever tenant has it, for the operator and internal senders; null if there is none. */
    public Uni<Job> loadAny(UUID jobId) {
        return pool.preparedQuery(LOAD_ANY).execute(Tuple.of(jobId)).map(JobStore::job);
    }

    private static Job job(RowSet<Row> rows) {
        return rows.size() == 0 ? null : Job.of(rows.iterator().next());
    }

    /** Where a tenant's job is: stored, removed by retention, or never theirs. */
    public enum Presence { STORED, EXPIRED, NONE }

    /** A tombstone of job $1 of tenant $2, left by retention. */
    private static final String EXPIRED = "SELECT 1 FROM expired_jobs WHERE id = $1 AND tenant_id = $2";

    private static final String PRESENCE = "SELECT EXISTS (SELECT 1 FROM jobs WHERE id = $1 AND tenant_id = $2) AS stored, "
            + "EXISTS (" + EXPIRED + ") AS expired";

    /**
     * Whether the tenant has this job, in one small statement: the check behind every result page, which needs the
     * job's existence, not the job.
     */
    public Uni<Presence> presence(UUID tenantId, UUID jobId) {
        return pool.preparedQuery(PRESENCE).execute(Tuple.of(jobId, tenantId)).map(rows -> {
            Row r = rows.iterator().next();
            return r.getBoolean("stored") ? Presence.STORED : r.getBoolean("expired") ? Presence.EXPIRED : Presence.NONE;
        });
    }

    /** Whether the tenant had this job and retention removed it. */
    public Uni<Boolean> isExpired(UUID tenantId, UUID jobId) {
        return pool.preparedQuery(EXPIRED)
                .execute(Tuple.of(jobId, tenantId)).map(rows -> rows.size() > 0);
    }

    /** Jobs past their deadline that have not ended (at most {@code limit}). */
    public Uni<List<UUID>> overdue(int limit) {
        return pool.preparedQuery(OVERDUE).execute(Tuple.of(limit)).map(JobStore::ids);
    }

    /** Of the given jobs, those that have ended (cancelled, failed, timed out or complete). */
    public Uni<List<UUID>> finalAmong(UUID[] jobIds) {
        return pool.preparedQuery(FINAL_AMONG).execute(Tuple.of(jobIds)).map(JobStore::ids);
    }

    private static List<UUID> ids(RowSet<Row> rows) {
        List<UUID> out = new ArrayList<>(rows.size());
        rows.forEach(r -> out.add(r.getUUID("id")));
        return out;
    }
}
