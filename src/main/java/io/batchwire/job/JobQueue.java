package io.batchwire.job;

import io.batchwire.upstream.UpstreamRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Each tenant's queue of jobs beyond its plan's concurrent-jobs limit ({@link JobTransitions#WAITING}). A queued job
 * is promoted to {@link JobTransitions#INITIAL} in the transaction that ends one of the tenant's running jobs, with
 * the tenant's row locked first (as a submit locks it), so that two replicas, or a promotion and a submit, never
 * start more jobs than the plan allows: the promotion counts the running jobs with a snapshot taken after the lock.
 * Jobs are promoted oldest first per tenant (each tenant has slots of its own, so no tenant waits for another's);
 * once the transaction has committed, the caller {@link #start}s them at once, and the outbox sweep publishes any
 * that a crash left behind. A periodic check promotes what no job's end did (a raised limit, a lost replica).
 */
@ApplicationScoped
public class JobQueue {

    private static final Logger LOG = Logger.getLogger(JobQueue.class);

    /** Locks the rows of the tenants of the jobs {@code $1}, in id order (the promotion then reads after the lock). */
    private static final String LOCK_TENANTS_OF_JOBS = """
            SELECT t.id FROM tenants t WHERE t.id IN (SELECT tenant_id FROM jobs WHERE id = ANY($1))
            ORDER BY t.id FOR NO KEY UPDATE OF t""";

    /**
     * Promotes, for each tenant {@code %s}, as many of its oldest queued jobs as its plan has free slots; their time
     * limit starts now, and the promoting replica holds their publish lease ({@code $2} seconds). Queued jobs locked
     * by someone else (a cancel) are skipped, not waited for.
     */
    private static final String PROMOTE = """
            WITH slots AS (
                SELECT t.id AS tenant_id, greatest(0, p.max_concurrent_jobs - (
                           SELECT count(*) FROM jobs r WHERE r.tenant_id = t.id AND r.state IN (%s))) AS n
                FROM tenants t JOIN plans p ON p.name = t.plan
                WHERE %s),
            next AS (
                SELECT q.id FROM slots s CROSS JOIN LATERAL (
                    SELECT j.id FROM jobs j WHERE j.tenant_id = s.tenant_id AND j.state = %s
                    ORDER BY j.created_at, j.id LIMIT s.n
                    FOR UPDATE SKIP LOCKED) q)
            UPDATE jobs j SET state = %s, deadline_at = clock_timestamp() + make_interval(secs => j.timeout_seconds),
                dispatch_claimed_until = now() + make_interval(secs => $2)
            FROM next WHERE j.id = next.id AND j.state = %s
            RETURNING j.id, j.tenant_id, j.type, j.total_records""";

    private static final String PROMOTE_FOR_JOBS = promote("t.id IN (SELECT tenant_id FROM jobs WHERE id = ANY($1))");
    private static final String PROMOTE_FOR_TENANTS = promote("t.id = ANY($1)");

    /** Tenants with queued jobs, for the periodic check. */
    private static final String WAITING_TENANTS = "SELECT DISTINCT tenant_id FROM jobs WHERE state = %s LIMIT $1"
            .formatted(JobTransitions.sql(JobTransitions.WAITING));

    /**
     * For each queued job of the tenant: the records that drain before it is done, its own included: the open records
     * of the running jobs, and the records of the queued jobs up to it, in queue order.
     */
    private static final String THROUGH = """
            WITH running AS (
                SELECT coalesce(sum(total_records - (%s)), 0) AS open FROM jobs WHERE tenant_id = $1 AND state IN (%s)),
            queue AS (
                SELECT id, sum(total_records) OVER (ORDER BY created_at, id) AS upto FROM jobs
                WHERE tenant_id = $1 AND state = %s AND (created_at, id) <= ($3, $4))
            SELECT q.id, q.upto + r.open AS through FROM queue q, running r WHERE q.id = ANY($2)"""
            .formatted(RecordTransitions.sqlDoneCount(null), JobTransitions.sqlRunning(),
                    JobTransitions.sql(JobTransitions.WAITING));

    private final Pool pool;
    private final JobPipeline pipeline;
    private final DrainRate drain;
    private final UpstreamRegistry upstreams;

    public JobQueue(Pool pool, JobPipeline pipeline, DrainRate drain, UpstreamRegistry upstreams) {
        this.pool = pool;
        this.pipeline = pipeline;
        this.drain = drain;
        this.upstreams = upstreams;
    }

    private static String promote(String tenants) {
        return PROMOTE.formatted(JobTransitions.sqlRunning(), tenants, JobTransitions.sql(JobTransitions.WAITING),
                JobTransitions.sql(JobTransitions.INITIAL), JobTransitions.sql(JobTransitions.WAITING));
    }

    /** A job just promoted, to be started once its transaction commits. */
    public record Promoted(UUID id, UUID tenantId, String type, int totalRecords) {
    }

    /**
     * In {@code conn}'s transaction, which just ended {@code jobIds}: locks their tenants' rows and promotes as many
     * queued jobs of those tenants as their plans now have slots for. {@link #start} them after the commit.
     */
    public Uni<List<Promoted>> promoteAfterEnd(SqlConnection conn, UUID[] jobIds) {
        if (jobIds.length == 0) {
            return Uni.createFrom().item(List.of());
        }
        // sent together; the server runs them in order, so the promotion reads after the lock
        Uni<RowSet<Row>> lock = conn.preparedQuery(LOCK_TENANTS_OF_JOBS).execute(Tuple.of((Object) jobIds));
        Uni<RowSet<Row>> promote = conn.preparedQuery(PROMOTE_FOR_JOBS).execute(leased(jobIds));
        return Uni.combine().all().unis(lock, promote).with((locked, promoted) -> promoted(promoted));
    }

    /** Publishes jobs promoted in a transaction that has committed; never fails (the outbox sweep is the safety net). */
    public void start(List<Promoted> promoted) {
        for (Promoted p : promoted) {
            pipeline.start(p.id(), p.tenantId(), p.type(), p.totalRecords(), null);
        }
    }

    /**
     * The safety net: promotes, in a transaction of its own, queued jobs of tenants with free slots that no job's end
     * promoted. Tenants whose row is locked (a submit or an end is under way, which promotes itself) are skipped.
     */
    @Scheduled(every = "${batchwire.jobs.queue-check-interval}", delayed = "${batchwire.jobs.queue-check-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> check() {
        return pool.preparedQuery(WAITING_TENANTS).execute(Tuple.of(500))
                .map(rows -> {
                    List<UUID> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getUUID("tenant_id")));
                    return out.toArray(UUID[]::new);
                })
                .chain(tenants -> tenants.length == 0 ? Uni.createFrom().item(List.<Promoted>of())
                        : pool.withTransaction(conn -> conn.preparedQuery(
                                        "SELECT id FROM tenants WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE SKIP LOCKED")
                                .execute(Tuple.of((Object) tenants))
                                .chain(locked -> {
                                    List<UUID> ids = new ArrayList<>();
                                    locked.forEach(r -> ids.add(r.getUUID("id")));
                                    return ids.isEmpty() ? Uni.createFrom().item(List.<Promoted>of())
                                            : conn.preparedQuery(PROMOTE_FOR_TENANTS)
                                            .execute(leased(ids.toArray(UUID[]::new))).map(JobQueue::promoted);
                                })))
                .invoke(promoted -> {
                    if (!promoted.isEmpty()) {
                        LOG.infof("queue check promoted %d jobs", promoted.size());
                    }
                    start(promoted);
                })
                .replaceWithVoid()
                .onFailure().invoke(t -> LOG.warnf("queue check failed: %s", t.getMessage()))
                .onFailure().recoverWithNull();
    }

    private static Tuple leased(UUID[] ids) {
        return Tuple.of(ids, (double) JobStore.PUBLISH_LEASE.toSeconds());
    }

    private static List<Promoted> promoted(RowSet<Row> rows) {
        List<Promoted> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            out.add(new Promoted(r.getUUID("id"), r.getUUID("tenant_id"), r.getString("type"), r.getInteger("total_records")));
        }
        return out;
    }

    /**
     * Seconds until each of these queued jobs of one tenant is likely done: every record ahead of it (the running
     * jobs' open records and the queued jobs before it) and its own, at the tenant's measured drain rate; until
     * something was measured, at the slowest its upstream allows (every call taking its whole timeout). One for each
     * of {@code queued}, never null.
     */
    public Uni<Map<UUID, Long>> estimates(UUID tenantId, List<Job> queued) {
        if (queued.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Job last = queued.getFirst();
        for (Job j : queued) {
            if (j.createdAt.isAfter(last.createdAt) || (j.createdAt.isEqual(last.createdAt) && j.id.compareTo(last.id) > 0)) {
                last = j;
            }
        }
        Uni<RowSet<Row>> through = pool.preparedQuery(THROUGH).execute(Tuple.of(tenantId,
                queued.stream().map(j -> j.id).toArray(UUID[]::new), last.createdAt, last.id));
        return Uni.combine().all().unis(through, drain.of(tenantId)).with((rows, rate) -> {
            Map<UUID, Long> ahead = new HashMap<>();
            rows.forEach(r -> ahead.put(r.getUUID("id"), r.getLong("through")));
            Map<UUID, Long> out = new HashMap<>();
            for (Job j : queued) {
                // promoted (or ended) since it was read: its own records are all that is known to be left
                long records = ahead.getOrDefault(j.id, (long) j.totalRecords);
                double perSecond = rate.measured() ? rate.perSecond() : slowest(j.type);
                out.put(j.id, Math.max(1, (long) Math.ceil(records / perSecond)));
            }
            return out;
        });
    }

    /** Records per second of an upstream whose every call takes its whole timeout, at its full concurrency. */
    private double slowest(String type) {
        return upstreams.find(type)
                .map(u -> u.config().concurrency() / Math.max(0.001, u.config().timeout().toMillis() / 1000.0))
                .orElse(1.0);
    }
}
