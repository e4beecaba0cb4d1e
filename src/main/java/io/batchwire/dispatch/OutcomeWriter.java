package io.batchwire.dispatch;

import io.batchwire.messaging.Channels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The status consumer: stores record outcomes from the status topic in batches (one poll = one transaction).
 * Idempotent: a redelivered or duplicated outcome changes nothing, so counters stay exact.
 */
@ApplicationScoped
public class OutcomeWriter {

    private static final Logger LOG = Logger.getLogger(OutcomeWriter.class);

    private final OutcomeStore store;
    private final Counter stored;
    private final Counter finished;

    public OutcomeWriter(OutcomeStore store, MeterRegistry metrics) {
        this.store = store;
        this.stored = Counter.builder("batchwire.outcomes.received").description("record outcomes read from the status topic")
                .register(metrics);
        this.finished = Counter.builder("batchwire.jobs.finished").description("jobs that reached a final state")
                .register(metrics);
    }

    @Incoming(Channels.RESULTS_IN)
    public Uni<Void> write(List<OutcomeBatch> messages) {
        List<RecordOutcome> batch = new ArrayList<>();
        for (OutcomeBatch message : messages) {
            batch.addAll(message.outcomes());
        }
        if (batch.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return store.store(batch)
                // deadlocks and serialization failures can happen during a rebalance: try again
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).atMost(20)
                .invoke(done -> {
                    stored.increment(batch.size());
                    finished.increment(done.size());
                    if (!done.isEmpty() && LOG.isDebugEnabled()) {
                        LOG.debugf("jobs finished: %s", done);
                    }
                })
                .replaceWithVoid();
    }
}
