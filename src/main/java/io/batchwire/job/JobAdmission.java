package io.batchwire.job;

import io.batchwire.api.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Whether a tenant's plan admits a new job, decided inside the transaction that stores it: the insert itself checks
 * the plan's per-job record limit ({@link #refusal} says why it stored nothing), {@link #usage} and {@link #check} the
 * concurrent limits last.
 */
@ApplicationScoped
public class JobAdmission {

    /** The tenant's plan and what counts against it: unfinished jobs other than the new one, and their open records. */
    private static final String USAGE = """
            SELECT p.name, p.max_concurrent_jobs, p.max_queued_records,
                   count(j.id) AS active_jobs,
                   coalesce(sum(j.total_records - (%s)), 0) AS queued
            FROM tenants t JOIN plans p ON p.name = t.plan
            LEFT JOIN jobs j ON j.tenant_id = t.id AND j.state IN (%s) AND j.id <> $2
            WHERE t.id = $1
            GROUP BY p.name""".formatted(RecordTransitions.sqlDoneCount("j"), JobTransitions.sqlUnfinished());

    private static final String DRAIN_RATE = """
            SELECT coalesce(sum(%s), 0) AS done,
                   extract(epoch FROM now() - min(started_at)) AS seconds
            FROM jobs WHERE tenant_id = $1 AND started_at IS NOT NULL
              AND (state IN (%s) OR finished_at > now() - interval '5 minutes')"""
            .formatted(RecordTransitions.sqlDoneCount(null), JobTransitions.sqlUnfinished());

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
     * Reads the tenant's usage for the concurrent-job and queued-record limits, for a job written (uncommitted) in
     * this transaction, as the last step before commit. The tenant row is locked ({@code FOR NO KEY UPDATE}, which
     * does not conflict with the key-share locks the job rows' foreign keys take), and usage is read by the next
     * statement, so with a snapshot taken after the lock: concurrent submits of one tenant are serialized only for
     * these two statements and the commit, and none can exceed a limit. Both statements are sent at once
     * (pipelined); the server runs a connection's statements in order, so the usage is still read after the lock.
     * {@link #check} then decides.
     */
    public Uni<Row> usage(SqlConnection conn, UUID tenantId, UUID newJobId) {
        Uni<RowSet<Row>> lock = conn.preparedQuery("SELECT plan FROM tenants WHERE id = $1 FOR NO KEY UPDATE")
                .execute(Tuple.of(tenantId));
        Uni<RowSet<Row>> usage = conn.preparedQuery(USAGE).execute(Tuple.of(tenantId, newJobId));
        return Uni.combine().all().unis(lock, usage).with((locked, rows) -> rows.iterator().next());
    }

    /** Fails with 429 (the transaction then rolls back) if {@code records} more would exceed a limit. */
    public Uni<Void> check(SqlConnection conn, UUID tenantId, int records, Row usage) {
        String plan = usage.getString("name");
        int maxJobs = usage.getInteger("max_concurrent_jobs");
        int maxQueued = usage.getInteger("max_queued_records");
        long active = usage.getLong("active_jobs");
        long queued = usage.getLong("queued");
        if (active + 1 > maxJobs) {
            return drainRate(conn, tenantId).map(rate -> {
                throw tooMany("concurrent_jobs", plan, maxJobs, active,
                        "plan '" + plan + "' allows " + maxJobs + " unfinished jobs at once and " + active + " are running",
                        retryAfterForJobs(rate, active, usage));
            });
        }
        if (queued + records > maxQueued) {
            return drainRate(conn, tenantId).map(rate -> {
                throw tooMany("queued_records", plan, maxQueued, queued,
                        "plan '" + plan + "' allows " + maxQueued + " queued records; " + queued
                                + " are queued and this job adds " + records,
                        retryAfterSeconds(queued + records - maxQueued, rate));
            });
        }
        return Uni.createFrom().voidItem();
    }

    /** Records per second this tenant's work has drained lately (active jobs, and jobs finished in 5 minutes). */
    private static Uni<Double> drainRate(SqlConnection conn, UUID tenantId) {
        return conn.preparedQuery(DRAIN_RATE).execute(Tuple.of(tenantId))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    long done = r.getLong("done");
                    Number seconds = r.getNumeric("seconds");
                    if (done == 0 || seconds == null) {
                        return 0.0;
                    }
                    return done / Math.max(1.0, seconds.doubleValue());
                });
    }

    /** Seconds until the tenant's rate drains {@code excess} records; 30 s while there is no rate to go by yet. */
    static long retryAfterSeconds(long excess, double perSecond) {
        if (perSecond <= 0) {
            return 30;
        }
        return Math.max(1, Math.min(3600, (long) Math.ceil(excess / perSecond)));
    }

    /** Seconds until, at the recent rate shared by the running jobs, the first of them is likely done. */
    private static long retryAfterForJobs(double perSecond, long active, Row usage) {
        long queued = usage.getLong("queued");
        // the smallest job drains first; with no sizes to go by, assume an even share of the queue
        long perJob = active == 0 ? queued : Math.max(1, queued / active);
        return retryAfterSeconds(perJob, active == 0 ? perSecond : perSecond / active);
    }

    private static ProblemException tooMany(String limit, String plan, long max, long current, String detail, long retryAfter) {
        Map<String, Object> ext = new LinkedHashMap<>();
        ext.put("limit", limit);
        ext.put("plan", plan);
        ext.put("maximum", max);
        ext.put("current", current);
        ext.put("retry_after_seconds", retryAfter);
        return new ProblemException(429, "limit-exceeded", "Plan limit reached", detail, null, null, ext,
                Map.of("Retry-After", String.valueOf(retryAfter)));
    }
}
