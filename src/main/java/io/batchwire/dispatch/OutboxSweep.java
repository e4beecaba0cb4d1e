package io.batchwire.dispatch;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Recovers jobs that were stored but never fully reached Kafka (a crash between commit and send, or a failed
 * send). Safe with many replicas: each claims its jobs with {@code FOR UPDATE SKIP LOCKED} and a lease.
 */
@ApplicationScoped
public class OutboxSweep {

    private static final Logger LOG = Logger.getLogger(OutboxSweep.class);

    private final OutboxStore store;
    private final JobPublisher publisher;
    private final DispatchConfig config;

    public OutboxSweep(OutboxStore store, JobPublisher publisher, DispatchConfig config) {
        this.store = store;
        this.publisher = publisher;
        this.config = config;
    }

    @Scheduled(every = "${batchwire.dispatch.recovery-interval}", delayed = "${batchwire.dispatch.recovery-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        return store.claimStranded(config.recoveryGrace(), Duration.ofSeconds(60), config.recoveryBatch())
                .onItem().transformToMulti(jobs -> Multi.createFrom().iterable(jobs))
                .onItem().transformToUniAndMerge(job -> (job.export()
                        ? publisher.publishPage(job.id(), job.tenantId(), job.type(), job.totalRecords() - 1)
                        : publisher.publish(job.id(), job.tenantId(), job.type(), job.totalRecords()))
                        .invoke(() -> LOG.infof("republished stranded job %s", job.id()))
                        .onFailure().invoke(t -> LOG.warnf("job %s still not on Kafka: %s", job.id(), t.getMessage()))
                        .onFailure().recoverWithNull())
                .collect().last().replaceWithVoid()
                .onFailure().invoke(t -> LOG.warnf("outbox sweep failed: %s", t.getMessage()))
                .onFailure().recoverWithNull();
    }
}
