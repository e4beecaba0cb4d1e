package io.batchwire.job;

import io.batchwire.api.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Whether and how a tenant's plan admits a new job, decided inside the transaction that stores it. The insert itself
 * checks the plan's per-job record limit ({@link #refusal} says why it stored nothing); then, with the tenant's row
 * locked ({@link #usage}), {@link #check} charges the job's credits on a metered plan (402 without enough), refuses it
 * over the queued-record limit (429, with a {@code Retry-After} from the tenant's measured drain rate), and stores it
 * {@link JobTransitions#WAITING} when the plan's concurrent-jobs slots are all taken (or others already wait): the
 * concurrent-jobs limit bounds running jobs, never what is accepted.
 */
@ApplicationScoped
public class JobAdmission {

    /** The queued-record quota's name in the {@code RateLimit-Policy} and {@code RateLimit} headers. */
    static final String POLICY = "queued-records";

    /**
     * The tenant's plan and what counts against it, the new job left out: running jobs (slots taken), queued jobs,
     * and the open records of both.
     */
    private static final String USAGE = usage("t.id = $1", "AND j.id <> $2");

    /** Every tenant's usage, for the operator. */
    private static final String ALL_USAGE = usage("true", "");

    private static String usage(String where, String leaveOut) {
        return """
            SELECT t.id AS tenant_id, p.name, p.max_concurrent_jobs, p.max_queued_records, p.metered,
                   count(j.id) FILTER (WHERE j.state IN (%s)) AS running_jobs,
                   count(j.id) FILTER (WHERE j.state = %s) AS waiting_jobs,
                   coalesce(sum(j.total_records - (%s)), 0) AS queued
            FROM tenants t JOIN plans p ON p.name = t.plan
            LEFT JOIN jobs j ON j.tenant_id = t.id AND j.state IN (%s) %s
            WHERE %s
            GROUP BY t.id, p.name, p.max_concurrent_jobs, p.max_queued_records, p.metered"""
                .formatted(JobTransitions.sqlRunning(), JobTransitions.sql(JobTransitions.WAITING),
                        RecordTransitions.sqlDoneCount("j"), JobTransitions.sqlUnfinished(), leaveOut, where);
    }

    /** A tenant's use of its plan: running jobs (slots taken), queued jobs, and the open records of both. */
    public record Usage(UUID tenantId, String plan, int maxConcurrentJobs, int maxQueuedRecords, boolean metered,
                        long runningJobs, long waitingJobs, long openRecords) {
    }

    /** Every tenant's usage of its plan, as admission counts it. */
    public Uni<List<Usage>> usageOfAll(SqlClient client) {
        return client.preparedQuery(ALL_USAGE).execute().map(rows -> {
            List<Usage> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new Usage(r.getUUID("tenant_id"), r.getString("name"), r.getInteger("max_concurrent_jobs"),
                        r.getInteger("max_queued_records"), r.getBoolean("metered"), r.getLong("running_jobs"),
                        r.getLong("waiting_jobs"), r.getLong("queued")));
            }
            return out;
        });
    }

    /** The new job waits: no slot, not on Kafka, and its time limit starts when it is promoted. */
    private static final String TO_QUEUE = """
            UPDATE jobs SET state = %s, deadline_at = NULL, dispatch_claimed_until = NULL
            WHERE id = $1 AND state = %s""".formatted(JobTransitions.sql(JobTransitions.WAITING),
            JobTransitions.sql(JobTransitions.INITIAL));

    private final JobCredits credits;
    private final DrainRate drain;
    private final JobLimitsConfig config;

    public JobAdmission(JobCredits credits, DrainRate drain, JobLimitsConfig config) {
        this.credits = credits;
        this.drain = drain;
        this.config = config;
    }

    /**
     * Why the plan let a new job's insert store nothing: 413 when the job is over the plan's per-job record limit,
     * otherwise the tenant or its plan is gone. Always a failure.
     */
    public <T> Uni<T> refusal(SqlConnection conn, UUID tenantId, int records) {
        return conn.preparedQuery("""
                        SELECT p.name, p.max_records_per_job
                        FROM tenants t JOIN plans p ON p.name = t.plan WHERE t.id = $1""")
                .execute(Tuple.of(tenantId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new IllegalStateException("tenant " + tenantId + " or its plan is gone");
                    }
                    Row r = rows.iterator().next();
                    String plan = r.getString("name");
                    int maxRecords = r.getInteger("max_records_per_job");
                    if (records > maxRecords) {
                        throw new ProblemException(413, "too-many-records", "Too many records",
                                "plan '" + plan + "' allows at most " + maxRecords + " records per job; this one has " + records,
                                "records", null, Map.of("plan", plan, "limit", maxRecords, "records", records), Map.of());
                    }
                    throw new IllegalStateException("plan '" + plan + "' admits " + records + " records, yet nothing was stored");
                });
    }

    /**
     * Reads the tenant's usage for a job written (uncommitted) in this transaction, as the last step before commit.
     * The tenant row is locked ({@code FOR NO KEY UPDATE}, which does not conflict with the key-share locks the job
     * rows' foreign keys take), and usage is read by the next statement, so with a snapshot taken after the lock:
     * concurrent submits of one tenant (and promotions, {@link JobQueue}) are serialized only for these statements,
     * {@link #check}'s and the commit, and none can exceed a limit or spend a credit twice. Both statements are sent at
     * once (pipelined); the server runs a connection's statements in order, so the usage is still read after the lock.
     */
    public Uni<Row> usage(SqlConnection conn, UUID tenantId, UUID newJobId) {
        Uni<RowSet<Row>> lock = conn.preparedQuery("SELECT plan FROM tenants WHERE id = $1 FOR NO KEY UPDATE")
                .execute(Tuple.of(tenantId));
        Uni<RowSet<Row>> usage = conn.preparedQuery(USAGE).execute(Tuple.of(tenantId, newJobId));
        return Uni.combine().all().unis(lock, usage).with((locked, rows) -> rows.iterator().next());
    }

    /** What the plan made of an admitted job: the state it is stored in, what it was charged, and the quota left. */
    public record Admitted(JobState state, long charged, Quota quota) {
    }

    /**
     * The queued-record quota after a submit, as the IETF draft's {@code RateLimit-Policy} / {@code RateLimit} fields
     * tell it: the plan's limit and what is left of it, in records; {@code reset} is the seconds until the quota
     * admits what is asked (on a 429, the {@code Retry-After}), or null.
     */
    public record Quota(long limit, long remaining, Long reset) {

        public Quota withReset(Long seconds) {
            return new Quota(limit, remaining, seconds);
        }

        public Map<String, String> headers() {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("RateLimit-Policy", "\"" + POLICY + "\";q=" + limit);
            h.put("RateLimit", "\"" + POLICY + "\";r=" + Math.max(0, remaining) + (reset == null ? "" : ";t=" + reset));
            return h;
        }
    }

    /**
     * Admits the job written in this transaction, or fails (the transaction then rolls back and nothing is stored):
     * 402 on a metered plan whose balance does not cover the job, 429 when its records would take the tenant over the
     * queued-record limit. An admitted job over the concurrent-jobs limit, or behind others that wait, waits too.
     */
    public Uni<Admitted> check(SqlConnection conn, JobStore.NewJob job, Row usage) {
        int records = job.indexes().length;
        String plan = usage.getString("name");
        int maxJobs = usage.getInteger("max_concurrent_jobs");
        int maxQueued = usage.getInteger("max_queued_records");
        long running = usage.getLong("running_jobs");
        long waiting = usage.getLong("waiting_jobs");
        long queued = usage.getLong("queued");
        boolean waits = running >= maxJobs || waiting > 0;
        // both sent at once; the charge's 402 comes before the queue's 429
        Uni<Long> charged = usage.getBoolean("metered") ? credits.charge(conn, job) : Uni.createFrom().item(0L);
        Uni<Void> queue = waits ? conn.preparedQuery(TO_QUEUE).execute(Tuple.of(job.id())).replaceWithVoid()
                : Uni.createFrom().voidItem();
        Quota quota = new Quota(maxQueued, maxQueued - queued - records, null);
        return Uni.combine().all().unis(charged, queue).asTuple().chain(done -> {
            if (queued + records > maxQueued) {
                long ahead = queued + records - maxQueued;
                return drain.of(conn, job.tenantId()).map(rate -> {
                    throw tooMany(plan, maxQueued, queued, records, ahead, rate);
                });
            }
            return Uni.createFrom().item(new Admitted(waits ? JobTransitions.WAITING : JobTransitions.INITIAL,
                    done.getItem1(), quota));
        });
    }

    /**
     * Seconds until {@code records} more of the tenant's records have drained at its measured rate: at least 1, at most
     * {@code batchwire.jobs.max-retry-after}. Before anything was measured, 1 s: ask again soon, by then there is a rate.
     */
    long retryAfterSeconds(long records, DrainRate.Rate rate) {
        return retryAfterSeconds(records, rate, config.maxRetryAfter().toSeconds());
    }

    static long retryAfterSeconds(long records, DrainRate.Rate rate, long capSeconds) {
        if (!rate.measured()) {
            return 1;
        }
        return Math.max(1, Math.min(Math.max(1, capSeconds), (long) Math.ceil(rate.secondsFor(records))));
    }

    /** The quota after an admitted job, with the seconds until a job as large as it would be admitted too, if not now. */
    Uni<Quota> paced(UUID tenantId, int records, Quota quota) {
        if (quota.remaining() >= records) {
            return Uni.createFrom().item(quota);
        }
        return drain.of(tenantId).map(rate -> quota.withReset(retryAfterSeconds(records - Math.max(0, quota.remaining()), rate)));
    }

    private ProblemException tooMany(String plan, long max, long current, int records, long ahead, DrainRate.Rate rate) {
        long retryAfter = retryAfterSeconds(ahead, rate);
        Map<String, Object> ext = new LinkedHashMap<>();
        ext.put("limit", "queued_records");
        ext.put("plan", plan);
        ext.put("maximum", max);
        ext.put("current", current);
        ext.put("records", records);
        ext.put("records_to_drain", ahead);
        ext.put("drain_rate_per_second", rate.measured() ? Math.round(rate.perSecond() * 10) / 10.0 : null);
        ext.put("retry_after_seconds", retryAfter);
        Map<String, String> headers = new LinkedHashMap<>(new Quota(max, max - current, retryAfter).headers());
        headers.put("Retry-After", String.valueOf(retryAfter));
        String when = rate.measured()
                ? "at the recent drain rate " + ahead + " more will have finished in about " + retryAfter + " s"
                : "nothing has finished lately to measure a drain rate by; ask again in " + retryAfter + " s";
        return new ProblemException(429, "limit-exceeded", "Plan limit reached",
                "plan '" + plan + "' allows " + max + " queued records; " + current + " are queued and this job adds "
                        + records + "; " + when, null, null, ext, headers);
    }
}
