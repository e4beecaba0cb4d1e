package io.batchwire.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.job.JobStore;
import io.batchwire.job.RecordState;
import io.batchwire.messaging.Channels;
import io.batchwire.upstream.CallResult;
import io.batchwire.upstream.Upstream;
import io.batchwire.upstream.UpstreamCaller;
import io.batchwire.upstream.UpstreamRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Takes job chunks from the jobs topic and sends their records to the upstreams; every outcome goes to the status
 * topic, gathered per chunk into small batches ({@link OutcomeBatcher}). Chunks wait in a {@link FairQueue} (per
 * upstream, tenants taking turns) and start while their upstream has a free chunk slot, so one job's slow tail never
 * idles an upstream, a slow upstream never holds back a fast one, and a small job of one tenant overtakes another
 * tenant's backlog.
 *
 * <p>A chunk is acknowledged (its offset may be committed) only once the broker has taken the outcome of every
 * record in it; after a crash or a rebalance it comes again and only its still-pending records are sent.
 */
@ApplicationScoped
public class JobDispatcher {

    private static final Logger LOG = Logger.getLogger(JobDispatcher.class);

    private final JobStore jobs;
    private final ChunkStore chunks;
    private final UpstreamRegistry upstreams;
    private final UpstreamCaller caller;
    private final JobStopWatch stops;
    private final DispatchConfig config;
    private final FairQueue queue;
    private final Vertx vertx;
    private final ObjectMapper json;
    private final AtomicInteger unacked = new AtomicInteger();
    /** Records being sent by this replica: a duplicate chunk (redelivery, republish) does not send them twice. */
    private final Set<String> sending = ConcurrentHashMap.newKeySet();

    private volatile Flow.Subscription subscription;
    private volatile MultiEmitter<? super Message<byte[]>> out;
    private final AtomicInteger requested = new AtomicInteger();

    public JobDispatcher(JobStore jobs, ChunkStore chunks, UpstreamRegistry upstreams, UpstreamCaller caller,
                         JobStopWatch stops, DispatchConfig config, MeterRegistry metrics, Vertx vertx, ObjectMapper json) {
        this.jobs = jobs;
        this.chunks = chunks;
        this.upstreams = upstreams;
        this.caller = caller;
        this.stops = stops;
        this.config = config;
        this.vertx = vertx;
        this.json = json;
        this.queue = new FairQueue(type -> upstreams.find(type)
                .map(u -> config.chunksPerUpstream().orElse(Math.max(2, (u.config().concurrency() + config.chunkSize() - 1)
                        / config.chunkSize() + 2)))
                .orElse(1));
        Gauge.builder("batchwire.dispatch.chunks.waiting", queue, FairQueue::waiting)
                .description("job chunks taken from Kafka and waiting for an upstream slot").register(metrics);
        Gauge.builder("batchwire.dispatch.chunks.running", queue, FairQueue::running)
                .description("job chunks being sent").register(metrics);
        Gauge.builder("batchwire.dispatch.outcomes.unacked", unacked, AtomicInteger::get)
                .description("outcomes not yet acknowledged by the status topic").register(metrics);
    }

    @Incoming(Channels.JOBS_IN)
    @Outgoing(Channels.RESULTS_OUT)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Multi<Message<byte[]>> dispatch(Multi<Message<JobChunk>> chunks) {
        return Multi.createFrom().<Message<byte[]>>emitter(emitter -> {
            out = emitter;
            chunks.subscribe().withSubscriber(new Flow.Subscriber<Message<JobChunk>>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription = s;
                    requestMore();
                }

                @Override
                public void onNext(Message<JobChunk> chunk) {
                    requested.decrementAndGet();
                    queue.offer(chunk);
                    requestMore();
                    pump();
                }

                @Override
                public void onError(Throwable t) {
                    emitter.fail(t);
                }

                @Override
                public void onComplete() {
                    emitter.complete();
                }
            });
        }, BackPressureStrategy.BUFFER);
    }

    /** Asks Kafka for more chunks while the buffer has room. */
    private void requestMore() {
        Flow.Subscription s = subscription;
        if (s == null) {
            return;
        }
        int room = config.maxBufferedChunks() - queue.held() - requested.get();
        if (room > 0) {
            requested.addAndGet(room);
            s.request(room);
        }
    }

    /** Starts every chunk that may start now. */
    private void pump() {
        while (unacked.get() < config.maxUnackedOutcomes()) {
            Message<JobChunk> next = queue.poll();
            if (next == null) {
                return;
            }
            run(next);
        }
    }

    private void run(Message<JobChunk> message) {
        JobChunk chunk = message.getPayload();
        Upstream upstream = upstreams.find(chunk.type()).orElse(null);
        Uni<Void> work;
        if (upstream == null) {
            // the job's type is no longer configured: the job as a whole cannot run
            work = jobs.endEarly(chunk.jobId(), null, JobStore.EarlyEnd.FAIL, "unknown_upstream",
                            "no upstream is configured for type '" + chunk.type() + "'")
                    .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(10)
                    .chain(ignored -> Uni.createFrom().completionStage(message.ack()));
        } else {
            stops.watch(chunk.jobId());
            work = chunks.start(chunk)
                    .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(10)
                    .chain(pending -> send(message, upstream, pending))
                    .eventually(() -> stops.unwatch(chunk.jobId()));
        }
        work.subscribe().with(ignored -> finished(message), failure -> {
            LOG.errorf(failure, "chunk %s of job %s could not be processed", chunk.from(), chunk.jobId());
            message.nack(failure);
            finished(message);
        });
    }

    private void finished(Message<JobChunk> message) {
        queue.done(message);
        requestMore();
        pump();
    }

    /** Sends the chunk's pending records; completes when every call has ended (outcomes may still be in flight). */
    private Uni<Void> send(Message<JobChunk> chunk, Upstream upstream, List<PendingRecord> pending) {
        if (pending.isEmpty()) {
            return Uni.createFrom().completionStage(chunk.ack());
        }
        // the chunk is acknowledged when each of its records has either an acknowledged outcome or none to send
        AtomicInteger outstanding = new AtomicInteger(pending.size());
        IntConsumer settled = n -> {
            if (outstanding.addAndGet(-n) == 0) {
                chunk.ack();
            }
        };
        String key = chunk.getPayload().jobId().toString();
        OutcomeBatcher batcher = new OutcomeBatcher(vertx, config.outcomeBatchSize(), config.outcomeBatchBytes(),
                config.outcomeLinger().toMillis(), (outcomes, count) -> emit(key, outcomes, count, chunk, settled));
        return Multi.createFrom().iterable(pending)
                .onItem().transformToUni(record -> {
                    String sendingKey = record.jobId() + "/" + record.index();
                    if (!sending.add(sendingKey)) {
                        settled.accept(1);
                        return Uni.createFrom().voidItem();
                    }
                    return caller.call(upstream, record.input(), () -> stops.isStopped(record.jobId()))
                            .eventually(() -> sending.remove(sendingKey))
                            .invoke(result -> {
                                if (result == null) {
                                    settled.accept(1);
                                } else {
                                    unacked.incrementAndGet();
                                    batcher.add(serialize(outcome(record, result)));
                                }
                            })
                            .replaceWithVoid();
                })
                .merge(pending.size())
                .collect().last()
                .eventually(batcher::flush)
                .replaceWithVoid();
    }

    /** The record's outcome: what its calls ended with. */
    static RecordOutcome outcome(PendingRecord record, CallResult r) {
        RecordState state = switch (r.kind()) {
            case SUCCEEDED -> RecordState.SUCCEEDED;
            case FAILED -> RecordState.FAILED;
            case TIMED_OUT -> RecordState.TIMED_OUT;
        };
        RecordOutcome.RecordError error = r.errorCode() == null ? null
                : new RecordOutcome.RecordError(r.errorCode(), r.errorMessage());
        return new RecordOutcome(record.jobId(), record.index(), state, r.statusCode(), r.attempts(), r.startedAt(),
                r.durationMs(), r.body(), error);
    }

    /** The outcome as JSON; one too large for the status topic becomes a failure that says so. */
    private byte[] serialize(RecordOutcome outcome) {
        byte[] bytes = write(outcome);
        if (bytes.length <= config.outcomeMaxBytes()) {
            return bytes;
        }
        LOG.warnf("record %d of job %s: outcome of %d bytes is over batchwire.dispatch.outcome-max-bytes; stored as failed",
                outcome.index(), outcome.jobId(), bytes.length);
        return write(new RecordOutcome(outcome.jobId(), outcome.index(), RecordState.FAILED, outcome.statusCode(),
                outcome.attempts(), outcome.startedAt(), outcome.durationMs(), null,
                new RecordOutcome.RecordError("response_too_large", "the upstream response is " + bytes.length
                        + " bytes as JSON, over the limit of " + config.outcomeMaxBytes())));
    }

    private byte[] write(RecordOutcome outcome) {
        try {
            return json.writeValueAsBytes(outcome);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("record outcome cannot be written as JSON", e);
        }
    }

    /** Hands one batch of a chunk's outcomes to the status topic's producer. */
    private void emit(String jobKey, byte[] outcomes, int count, Message<JobChunk> chunk, IntConsumer settled) {
        out.emit(Message.of(outcomes)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(jobKey).build())
                .withAck(() -> {
                    unacked.addAndGet(-count);
                    settled.accept(count);
                    pump();
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(t -> {
                    unacked.addAndGet(-count);
                    return chunk.nack(t);
                }));
    }
}
