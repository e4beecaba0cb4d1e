package io.batchwire.dispatch;

import io.batchwire.job.JobStore;
import io.batchwire.upstream.PendingRecord;
import io.batchwire.upstream.Upstream;
import io.batchwire.upstream.UpstreamCaller;
import io.batchwire.upstream.UpstreamRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Takes job chunks from the jobs topic and fans their records out to the upstream, each record under the
 * upstream's limits, and sends every outcome to the status topic. Up to {@code max-chunks-in-flight} chunks run at
 * once, from any jobs, so one job's slow tail never idles the upstream's concurrency.
 *
 * <p>A chunk is acknowledged (its offset may be committed) only when the broker has taken the outcome of every
 * record in it; after a crash or a rebalance the chunk comes again and only its still-pending records are sent.
 */
@ApplicationScoped
public class JobDispatcher {

    private static final Logger LOG = Logger.getLogger(JobDispatcher.class);

    private final JobStore store;
    private final UpstreamRegistry upstreams;
    private final UpstreamCaller caller;
    private final DispatchConfig config;

    public JobDispatcher(JobStore store, UpstreamRegistry upstreams, UpstreamCaller caller, DispatchConfig config) {
        this.store = store;
        this.upstreams = upstreams;
        this.caller = caller;
        this.config = config;
    }

    @Incoming(Channels.JOBS_IN)
    @Outgoing(Channels.RESULTS_OUT)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Multi<Message<RecordOutcome>> dispatch(Multi<Message<JobChunk>> chunks) {
        return chunks.onItem().transformToMulti(this::fanOut).merge(config.maxChunksInFlight());
    }

    private Multi<Message<RecordOutcome>> fanOut(Message<JobChunk> message) {
        JobChunk chunk = message.getPayload();
        Upstream upstream = upstreams.find(chunk.type()).orElse(null);
        if (upstream == null) {
            // the job's type is no longer configured: the job as a whole cannot run
            return store.failJob(chunk.jobId(), "unknown_upstream",
                            "no upstream is configured for type '" + chunk.type() + "'")
                    .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(10)
                    .onItem().transformToMulti(ignored -> JobDispatcher.<Message<RecordOutcome>>thenNothing(message.ack()))
                    .onFailure().recoverWithMulti(t -> nack(message, t));
        }
        return store.startChunk(chunk)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(10)
                .onItem().transformToMulti(pending -> send(message, upstream, pending))
                .onFailure().recoverWithMulti(t -> nack(message, t));
    }

    private Multi<Message<RecordOutcome>> send(Message<JobChunk> chunk, Upstream upstream, List<PendingRecord> pending) {
        if (pending.isEmpty()) {
            return thenNothing(chunk.ack());
        }
        AtomicInteger outstanding = new AtomicInteger(pending.size());
        return Multi.createFrom().iterable(pending)
                .onItem().transformToUni(record -> caller.call(upstream, record))
                .merge(pending.size())
                .map(outcome -> Message.of(outcome)
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(outcome.jobId().toString()).build())
                        .withAck(() -> outstanding.decrementAndGet() == 0 ? chunk.ack() : CompletableFuture.completedFuture(null))
                        .withNack(t -> chunk.nack(t)));
    }

    private static <T> Multi<T> nack(Message<JobChunk> message, Throwable t) {
        LOG.errorf(t, "chunk %s of job %s could not be processed", message.getPayload().from(), message.getPayload().jobId());
        return thenNothing(message.nack(t));
    }

    /** Waits for an ack or nack and emits no outcome. */
    private static <T> Multi<T> thenNothing(CompletionStage<Void> stage) {
        return Uni.createFrom().completionStage(stage).onItem().transformToMulti(x -> Multi.createFrom().empty());
    }
}
