package io.batchwire.collection;

import io.batchwire.job.RetentionStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Retention of runs (jobs with a collection_id), instead of the plan's: {@code body-retention} after a run finished,
 * its response bodies, request headers and bodies, and error texts (which quote response bodies) go, while the url,
 * method, custom_id, status, status code, attempts and timings stay; {@code metadata-retention} after it finished the
 * whole run goes, leaving the jobs' tombstone so its id answers 410 for a while. The statements are
 * {@link RetentionStore}'s, with this rule.
 */
@ApplicationScoped
public class RunRetentionSweep {

    private static final Logger LOG = Logger.getLogger(RunRetentionSweep.class);

    /** {@code $2}: seconds after the run finished (body retention for bodies, metadata retention for the run). */
    static final RetentionStore.Rule RUNS = RetentionStore.Rule.of("jobs j",
            "j.collection_id IS NOT NULL AND j.finished_at < now() - make_interval(secs => $2)",
            """
                    result = NULL,
                    input = jsonb_strip_nulls(jsonb_build_object('url', input->'url', 'method', input->'method',
                            'browser', input->'browser')),
                    error = CASE WHEN error IS NULL THEN NULL ELSE jsonb_build_object('code', error->'code') END""",
            "j.collection_id IS NOT NULL AND j.finished_at < now() - make_interval(secs => $2)");

    private final RetentionStore store;
    private final CollectionsConfig config;

    public RunRetentionSweep(RetentionStore store, CollectionsConfig config) {
        this.store = store;
        this.config = config;
    }

    @Scheduled(every = "${batchwire.collections.retention-interval}", delayed = "${batchwire.collections.retention-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        return store.purgeBodies(RUNS, config.retentionBatch(), seconds(config.bodyRetention()))
                .chain(bodies -> store.deleteJobs(RUNS, config.retentionBatch(), seconds(config.metadataRetention()))
                        .invoke(removed -> {
                            if (bodies + removed > 0) {
                                LOG.infof("run retention: purged the bodies of %d runs, removed %d runs", bodies, removed);
                            }
                        }))
                .replaceWithVoid()
                .onFailure().invoke(t -> LOG.warnf("run retention sweep failed: %s", t.getMessage()))
                .onFailure().recoverWithNull();
    }

    private static double seconds(java.time.Duration d) {
        return d.toMillis() / 1000.0;
    }
}
