package io.batchwire.job;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Ends jobs whose {@code timeout_seconds} has passed: their pending records become {@code timed_out} and the job is
 * complete. Safe with several replicas: the end is a conditional update under the job's row lock.
 */
@ApplicationScoped
public class JobDeadlines {

    private static final Logger LOG = Logger.getLogger(JobDeadlines.class);

    private final JobStore store;
    private final JobPipeline pipeline;

    public JobDeadlines(JobStore store, JobPipeline pipeline) {
        this.store = store;
        this.pipeline = pipeline;
    }

    @Scheduled(every = "${batchwire.jobs.deadline-check-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> endOverdue() {
        return store.overdue(100)
                .onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                .onItem().transformToUniAndConcatenate(id -> store
                        .endEarly(id, null, JobStore.EarlyEnd.TIME_OUT, "job_timeout", "the job's time limit passed")
                        .invoke(ended -> {
                            if (ended != null && ended.ended()) {
                                pipeline.stop(id);
                                LOG.infof("job %s timed out", id);
                            }
                        }))
                .collect().last().replaceWithVoid()
                .onFailure().invoke(t -> LOG.warnf("deadline check failed: %s", t.getMessage()))
                .onFailure().recoverWithNull();
    }
}
