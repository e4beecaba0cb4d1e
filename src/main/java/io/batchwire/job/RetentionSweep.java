package io.batchwire.job;

import io.batchwire.idempotency.IdempotencyStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Removes what is past the plan's retention: first the record bodies (input and result) of finished jobs, then,
 * {@code job-grace} later, whole jobs, leaving a tombstone so their id answers 410 for a while. Safe with several
 * replicas: each statement takes its rows with {@code FOR UPDATE SKIP LOCKED}. Runs of collections follow the
 * collections' own retention instead ({@code io.batchwire.collection.RunRetentionSweep}).
 */
@ApplicationScoped
public class RetentionSweep {

    private static final Logger LOG = Logger.getLogger(RetentionSweep.class);

    private final Pool pool;
    private final RetentionConfig config;
    private final IdempotencyStore idempotency;

    public RetentionSweep(Pool pool, RetentionConfig config, IdempotencyStore idempotency) {
        this.pool = pool;
        this.config = config;
        this.idempotency = idempotency;
    }

    @Scheduled(every = "${batchwire.retention.interval:1m}", delayed = "${batchwire.retention.interval:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        return purgeBodies()
                .chain(bodies -> deleteJobs().invoke(jobs -> {
                    if (bodies + jobs > 0) {
                        LOG.infof("retention: purged the bodies of %d jobs, removed %d jobs", bodies, jobs);
                    }
                }))
                .chain(() -> pool.preparedQuery("DELETE FROM expired_jobs WHERE expired_at < now() - make_interval(secs => $1)")
                        .execute(Tuple.of((double) config.tombstoneTtl().toSeconds())))
                .chain(() -> idempotency.purgeExpired(10_000))
                .replaceWithVoid()
                .onFailure().invoke(t -> LOG.warnf("retention sweep failed: %s", t.getMessage()))
                .onFailure().recoverWithNull();
    }

    Uni<Integer> purgeBodies() {
        return pool.preparedQuery("""
                        WITH due AS (
                            SELECT j.id FROM jobs j JOIN tenants t ON t.id = j.tenant_id JOIN plans p ON p.name = t.plan
                            WHERE j.finished_at IS NOT NULL AND j.bodies_purged_at IS NULL AND j.collection_id IS NULL
                              AND j.finished_at < now() - make_interval(secs => p.retention_seconds)
                            ORDER BY j.finished_at LIMIT $1
                            FOR UPDATE OF j SKIP LOCKED),
                        -- a data-modifying WITH always runs, whether or not the outer statement reads it
                        bodies AS (
                            UPDATE job_records SET result = NULL, input = '{}'::jsonb
                            WHERE job_id IN (SELECT id FROM due))
                        UPDATE jobs SET bodies_purged_at = now()
                        WHERE id IN (SELECT id FROM due)""")
                .execute(Tuple.of(config.batch())).map(r -> r.rowCount());
    }

    Uni<Integer> deleteJobs() {
        return pool.preparedQuery("""
                        WITH gone AS (
                            DELETE FROM jobs WHERE id IN (
                                SELECT j.id FROM jobs j JOIN tenants t ON t.id = j.tenant_id JOIN plans p ON p.name = t.plan
                                WHERE j.bodies_purged_at IS NOT NULL AND j.collection_id IS NULL
                                  AND j.finished_at < now() - make_interval(secs => p.retention_seconds + $2)
                                ORDER BY j.finished_at LIMIT $1
                                FOR UPDATE OF j SKIP LOCKED)
                            RETURNING id, tenant_id)
                        INSERT INTO expired_jobs (id, tenant_id) SELECT id, tenant_id FROM gone
                        ON CONFLICT (id) DO NOTHING""")
                .execute(Tuple.of(config.batch(), (double) config.jobGrace().toSeconds())).map(r -> r.rowCount());
    }
}
