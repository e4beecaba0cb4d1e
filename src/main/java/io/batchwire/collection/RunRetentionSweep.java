package io.batchwire.collection;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Retention of runs (jobs with a collection_id), instead of the plan's: {@code body-retention} after a run finished,
 * its response bodies, request headers and bodies, and error texts (which quote response bodies) go, while the url,
 * method, custom_id, status, status code, attempts and timings stay; {@code metadata-retention} after it finished the
 * whole run goes, leaving the jobs' tombstone so its id answers 410 for a while. Safe with several replicas: each
 * statement takes its runs with {@code FOR UPDATE SKIP LOCKED}, and only runs still in the state it changes.
 */
@ApplicationScoped
public class RunRetentionSweep {

    private static final Logger LOG = Logger.getLogger(RunRetentionSweep.class);

    private final Pool pool;
    private final CollectionsConfig config;

    public RunRetentionSweep(Pool pool, CollectionsConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(every = "${batchwire.collections.retention-interval:1m}", delayed = "${batchwire.collections.retention-interval:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        return purgeBodies()
                .chain(bodies -> deleteRuns().invoke(removed -> {
                    if (bodies + removed > 0) {
                        LOG.infof("run retention: purged the bodies of %d runs, removed %d runs", bodies, removed);
                    }
                }))
                .replaceWithVoid()
                .onFailure().invoke(t -> LOG.warnf("run retention sweep failed: %s", t.getMessage()))
                .onFailure().recoverWithNull();
    }

    Uni<Integer> purgeBodies() {
        return pool.preparedQuery("""
                        WITH due AS (
                            SELECT id FROM jobs
                            WHERE collection_id IS NOT NULL AND finished_at IS NOT NULL AND bodies_purged_at IS NULL
                              AND finished_at < now() - make_interval(secs => $2)
                            ORDER BY finished_at LIMIT $1
                            FOR UPDATE SKIP LOCKED),
                        -- a data-modifying WITH always runs, whether or not the outer statement reads it
                        bodies AS (
                            UPDATE job_records SET result = NULL,
                                input = jsonb_strip_nulls(jsonb_build_object('url', input->'url', 'method', input->'method')),
                                error = CASE WHEN error IS NULL THEN NULL ELSE jsonb_build_object('code', error->'code') END
                            WHERE job_id IN (SELECT id FROM due))
                        UPDATE jobs SET bodies_purged_at = now()
                        WHERE id IN (SELECT id FROM due)""")
                .execute(Tuple.of(config.retentionBatch(), seconds(config.bodyRetention())))
                .map(r -> r.rowCount());
    }

    Uni<Integer> deleteRuns() {
        return pool.preparedQuery("""
                        WITH gone AS (
                            DELETE FROM jobs WHERE id IN (
                                SELECT id FROM jobs
                                WHERE collection_id IS NOT NULL AND finished_at IS NOT NULL
                                  AND finished_at < now() - make_interval(secs => $2)
                                ORDER BY finished_at LIMIT $1
                                FOR UPDATE SKIP LOCKED)
                            RETURNING id, tenant_id)
                        INSERT INTO expired_jobs (id, tenant_id) SELECT id, tenant_id FROM gone
                        ON CONFLICT (id) DO NOTHING""")
                .execute(Tuple.of(config.retentionBatch(), seconds(config.metadataRetention())))
                .map(r -> r.rowCount());
    }

    private static double seconds(java.time.Duration d) {
        return d.toMillis() / 1000.0;
    }
}
