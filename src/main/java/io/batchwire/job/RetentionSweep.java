package io.batchwire.job;

import io.batchwire.idempotency.IdempotencyStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Removes what is past the plan's retention: first the record bodies (input and result) of finished jobs, then,
 * {@code job-grace} later, whole jobs, leaving a tombstone so their id answers 410 for a while. Runs of collections
 * follow the collections' own retention instead ({@code RunRetentionSweep}).
 */
@ApplicationScoped
public class RetentionSweep {

    private static final Logger LOG = Logger.getLogger(RetentionSweep.class);

    /** Jobs that are not runs, by their plan's retention ({@code $2}: the grace before a whole job goes, seconds). */
    static final RetentionStore.Rule PLAN = RetentionStore.Rule.of(
            "jobs j JOIN tenants t ON t.id = j.tenant_id JOIN plans p ON p.name = t.plan",
            "j.collection_id IS NULL AND j.finished_at < now() - make_interval(secs => p.retention_seconds)",
            "result = NULL, input = '{}'::jsonb",
            "j.collection_id IS NULL AND j.bodies_purged_at IS NOT NULL "
                    + "AND j.finished_at < now() - make_interval(secs => p.retention_seconds + $2)");

    private final RetentionStore store;
    private final RetentionConfig config;
    private final IdempotencyStore idempotency;

    public RetentionSweep(RetentionStore store, RetentionConfig config, IdempotencyStore idempotency) {
        this.store = store;
        this.config = config;
        this.idempotency = idempotency;
    }

    @Scheduled(every = "${batchwire.retention.interval}", delayed = "${batchwire.retention.interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        double grace = config.jobGrace().toMillis() / 1000.0;
        return store.purgeBodies(PLAN, config.batch())
                .chain(bodies -> store.deleteJobs(PLAN, config.batch(), grace).invoke(jobs -> {
                    if (bodies + jobs > 0) {
                        LOG.infof("retention: purged the bodies of %d jobs, removed %d jobs", bodies, jobs);
                    }
                }))
                .chain(() -> store.deleteTombstones(config.tombstoneTtl().toSeconds()))
                .chain(() -> idempotency.purgeExpired(10_000))
                .replaceWithVoid()
                .onFailure().invoke(t -> LOG.warnf("retention sweep failed: %s", t.getMessage()))
                .onFailure().recoverWithNull();
    }
}
