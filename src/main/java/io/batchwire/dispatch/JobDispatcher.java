package io.batchwire.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.ObjectReader;
import io.batchwire.cluster.ClusterConfig;
import io.batchwire.cluster.Replica;
import io.batchwire.job.JobStore;
import io.batchwire.job.RecordState;
import io.batchwire.messaging.Channels;
import io.batchwire.messaging.DeadLetters;
import io.batchwire.messaging.TopicsConfig;
import io.batchwire.trace.Traces;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;

import io.batchwire.upstream.CallResult;
import io.batchwire.upstream.Upstream;
import io.batchwire.upstream.UpstreamCaller;
import io.batchwire.upstream.UpstreamRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Takes job chunks from the jobs topic and sends their records to the upstreams; every outcome goes to the status
 * topic, gathered per chunk into small batches ({@link OutcomeBatcher}). Chunks wait in a {@link FairQueue} (per
 * upstream, tenants taking turns) and start while their upstream has a free chunk slot.
 *
 * <p>Many replicas share the jobs topic, and partitions move between them. A chunk is started under a claim
 * ({@link ChunkStore#start}) taken in the statement that reads its pending records, so no two live replicas call
 * the records of one chunk; a run that finds the claim held elsewhere waits it out off the queue. When partitions
 * are revoked (or the replica shuts down) their waiting chunks are dropped at once, records not yet started are not
 * started, calls in flight finish, and the claim is released once the outcomes of what was sent are stored: the next
 * owner sends exactly the rest. A chunk is acknowledged only once every record in it has an outcome and the broker has
 * the ones this replica produced. A message that cannot be read, or names a job that does not exist, goes to the
 * dead-letter topic. The database or the broker being away pauses the work; nothing is dropped.
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
    private final ClusterConfig cluster;
    private final Replica replica;
    private final DeadLetters deadLetters;
    private final Traces traces;
    private final TopicsConfig topics;
    private final Vertx vertx;
    private final ObjectMapper json;
    /** Outcomes' writer, its serializer found once. */
    private final ObjectWriter outcomeWriter;
    private final ObjectReader chunkReader;
    private final FairQueue<ChunkRun> queue;
    private final OutcomeBudget budget;
    /** The run of each chunk this replica holds, in whatever phase, by {@link ChunkRun#key}. */
    private final Map<String, ChunkRun> runs = new ConcurrentHashMap<>();
    private final AtomicInteger parked = new AtomicInteger();
    /** Each tenant's weight (its plan's), as the last chunk start read it: how the fair queue shares slots. */
    private final Map<UUID, Integer> weights = new ConcurrentHashMap<>();
    private final AtomicInteger requested = new AtomicInteger();

    private volatile Flow.Subscription subscription;
    private volatile MultiEmitter<? super Message<byte[]>> out;
    private volatile boolean accepting = true;

    public JobDispatcher(JobStore jobs, ChunkStore chunks, UpstreamRegistry upstreams, UpstreamCaller caller,
                         JobStopWatch stops, DispatchConfig config, ClusterConfig cluster, Replica replica,
                         DeadLetters deadLetters, MeterRegistry metrics, Vertx vertx, ObjectMapper json, Traces traces,
                         TopicsConfig topics) {
        this.traces = traces;
        this.topics = topics;
        this.jobs = jobs;
        this.chunks = chunks;
        this.upstreams = upstreams;
        this.caller = caller;
        this.stops = stops;
        this.config = config;
        this.cluster = cluster;
        this.replica = replica;
        this.deadLetters = deadLetters;
        this.vertx = vertx;
        this.json = json;
        this.outcomeWriter = json.writerFor(RecordOutcome.class);
        this.chunkReader = json.readerFor(JobChunk.class).with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.queue = new FairQueue<>(type -> upstreams.find(type)
                .map(u -> config.chunksPerUpstream().orElse(Math.max(2, (u.config().concurrency() + config.chunkSize() - 1)
                        / config.chunkSize() + 2)))
                .orElse(1), run -> run.chunk, tenant -> weights.getOrDefault(tenant, 1));
        this.budget = new OutcomeBudget(config.maxUnackedOutcomes(), config.maxUnackedOutcomeBytes().asLongValue());
        Gauge.builder("batchwire.dispatch.chunks.waiting", queue, FairQueue::waiting)
                .description("job chunks taken from Kafka and waiting for an upstream slot").register(metrics);
        Gauge.builder("batchwire.dispatch.chunks.running", queue, FairQueue::running)
                .description("job chunks being sent").register(metrics);
        Gauge.builder("batchwire.dispatch.chunks.parked", parked, AtomicInteger::get)
                .description("job chunks waiting for a claim another replica holds").register(metrics);
        Gauge.builder("batchwire.dispatch.outcomes.unacked", budget, OutcomeBudget::count)
                .description("outcomes not yet acknowledged by the status topic").register(metrics);
        Gauge.builder("batchwire.dispatch.outcomes.unacked.bytes", budget, OutcomeBudget::bytes)
                .description("bytes of outcomes not yet acknowledged by the status topic").register(metrics);
    }

    @Incoming(Channels.JOBS_IN)
    @Outgoing(Channels.RESULTS_OUT)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Multi<Message<byte[]>> dispatch(Multi<Message<byte[]>> messages) {
        return Multi.createFrom().<Message<byte[]>>emitter(emitter -> {
            out = emitter;
            messages.subscribe().withSubscriber(new Flow.Subscriber<Message<byte[]>>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription = s;
                    requestMore();
                }

                @Override
                public void onNext(Message<byte[]> message) {
                    requested.decrementAndGet();
                    accept(message);
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
        if (s == null || !accepting) {
            return;
        }
        int room = config.maxBufferedChunks() - queue.held() - parked.get() - requested.get();
        if (room > 0) {
            requested.addAndGet(room);
            s.request(room);
        }
    }

    private void accept(Message<byte[]> message) {
        if (!accepting) {
            return; // leaving: not acknowledged, so the next owner of the partition reads it again
        }
        JobChunk chunk;
        try {
            chunk = chunkReader.readValue(message.getPayload());
            if (chunk.jobId() == null || chunk.tenantId() == null || chunk.type() == null || chunk.from() < 0
                    || chunk.to() <= chunk.from()) {
                throw new IllegalArgumentException("a chunk needs job_id, tenant_id, type and 0 <= from < to");
            }
        } catch (Exception e) {
            deadLetter(message, "unreadable", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return;
        }
        ChunkRun existing = runs.get(ChunkRun.key(chunk));
        if (existing != null && existing.attach(message)) {
            return; // the same chunk again (a republish, or a redelivery): acknowledged with the run already here
        }
        ChunkRun run = new ChunkRun(chunk, partition(message), message);
        runs.put(run.key(), run);
        queue.offer(run);
    }

    /** Starts every chunk that may start now. */
    private void pump() {
        while (accepting && budget.hasRoom()) {
            ChunkRun next = queue.poll();
            if (next == null) {
                return;
            }
            run(next);
        }
    }

    /** What a run's turn at the queue ended with. */
    private enum Turn { SETTLED, PARKED, HANDED_BACK }

    private void run(ChunkRun run) {
        if (run.handedBack()) {
            queue.done(run);
            finish(run);
            return;
        }
        JobChunk chunk = run.chunk;
        Upstream upstream = upstreams.find(chunk.type()).orElse(null);
        Uni<Turn> turn;
        if (upstream == null) {
            // the job's type is no longer configured: the job as a whole cannot run
            turn = withRetry(jobs.endEarly(chunk.jobId(), null, JobStore.EarlyEnd.FAIL, "unknown_upstream",
                    "no upstream is configured for type '" + chunk.type() + "'"), "end job " + chunk.jobId())
                    .replaceWith(Turn.SETTLED);
        } else if (!replica.holdsLease()) {
            turn = Uni.createFrom().item(Turn.PARKED); // no claim without a lease that surely holds
        } else {
            run.phase(ChunkRun.Phase.SENDING);
            stops.watch(chunk.jobId());
            turn = withRetry(chunks.start(chunk, replica.id()), "start chunk " + run.key())
                    .chain(start -> {
                        if (!start.jobKnown()) {
                            return deadLetters.send(origin(run.first), run.first.getPayload(), "unknown_job",
                                    "no job " + chunk.jobId() + " (chunk " + chunk.from() + ".." + chunk.to() + ")")
                                    .replaceWith(Turn.SETTLED);
                        }
                        if (start.pending() == 0) {
                            return Uni.createFrom().item(Turn.SETTLED);
                        }
                        weights.put(chunk.tenantId(), start.weight());
                        if (!start.claimed()) {
                            return Uni.createFrom().item(Turn.PARKED);
                        }
                        // what this run sent before (its lease was in doubt since) has its outcome on the way
                        List<PendingRecord> toSend = start.records().stream().filter(r -> !run.sent.contains(r.index())).toList();
                        Span span = span(run, start);
                        return send(run, upstream, toSend, new UpstreamCaller.Who(chunk.tenantId(), start.weight()), start.export(),
                                start.recordTimeLimit(), span)
                                .onTermination().invoke(span::end)
                                .map(ignored -> afterSending(run));
                    })
                    .eventually(() -> stops.unwatch(chunk.jobId()));
        }
        turn.subscribe().with(t -> {
            queue.done(run);
            switch (t) {
                case SETTLED -> settle(run);
                case PARKED -> park(run);
                case HANDED_BACK -> releaseWhenStored(run);
            }
            requestMore();
            pump();
        }, failure -> {
            // not reached: every step retries or recovers; if it is, the chunk is left to a redelivery
            LOG.errorf(failure, "chunk %s could not be processed", run.key());
            queue.done(run);
            finish(run);
        });
    }

    /**
     * The dispatcher's span of a chunk (tracing on): under the producer span whose context came in the message's
     * {@code traceparent} header, or, for a chunk published without one (the outbox sweep, a promoted job), under the
     * job's own trace.
     */
    private Span span(ChunkRun run, ChunkStore.Start start) {
        if (!traces.enabled()) {
            return Span.getInvalid();
        }
        String parent = run.first.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> Traces.fromKafka(m.getHeaders()))
                .orElse(start.traceParent());
        if (parent == null) {
            return Span.getInvalid();
        }
        return traces.start("process " + topics.jobs(), SpanKind.CONSUMER, parent)
                .setAttribute("messaging.system", "kafka").setAttribute("messaging.destination.name", topics.jobs())
                .setAttribute("batchwire.job_id", run.chunk.jobId().toString())
                .setAttribute("batchwire.chunk", run.chunk.from() + ".." + run.chunk.to())
                .setAttribute("batchwire.records", start.records().size());
    }

    private Turn afterSending(ChunkRun run) {
        if (run.handedBack()) {
            return Turn.HANDED_BACK;
        }
        if (!run.unstarted.isEmpty()) {
            run.unstarted.clear();
            return Turn.PARKED; // the lease was in doubt: claim again (under a new id) and send the rest
        }
        return Turn.SETTLED;
    }

    /** Retries a database step until it succeeds: the database being away pauses the chunk, nothing more. */
    private <T> Uni<T> withRetry(Uni<T> step, String what) {
        return step.onFailure().invoke(t -> LOG.warnf("%s failed (%s); retrying", what, t.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).indefinitely();
    }

    /** Sends the chunk's pending records; completes when every call has ended (outcomes may still be in flight). */
    private Uni<Void> send(ChunkRun run, Upstream upstream, List<PendingRecord> pending, UpstreamCaller.Who who,
                           boolean export, Duration timeLimit, Span span) {
        if (pending.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        OutcomeBatcher batcher = new OutcomeBatcher(vertx, config.outcomeBatchSize(), config.outcomeBatchBytes(),
                config.outcomeLinger().toMillis(), (outcomes, count) -> emit(run, outcomes, count, Traces.traceparent(span)));
        return Multi.createFrom().iterable(pending)
                .onItem().transformToUni(record -> {
                    java.util.function.Supplier<Uni<CallResult>> call = () -> export
                            ? caller.callPage(upstream, record.input(), who, stop(run, record), span)
                            : caller.call(upstream, record.input(), who, stop(run, record), timeLimit, span);
                    // waiting for room only when there is none: a step less on each record's path
                    return (budget.hasRoom() ? call.get() : budget.room().chain(call::get))
                            .map(result -> {
                                if (result == null) {
                                    if (!stops.isStopped(record.jobId())) {
                                        run.unstarted.add(record.index());
                                    }
                                    return null;
                                }
                                run.sent.add(record.index());
                                byte[] outcome = serialize(outcome(record, result));
                                budget.add(outcome.length);
                                run.outstanding.incrementAndGet();
                                batcher.add(outcome);
                                return null;
                            });
                })
                .merge(pending.size())
                .collect().last()
                .eventually(batcher::flush)
                .replaceWithVoid();
    }

    /** Asked before each attempt at a record: no more attempts once its job ended, no first one for a run given up. */
    private java.util.function.IntPredicate stop(ChunkRun run, PendingRecord record) {
        return attempt -> stops.isStopped(record.jobId()) || (attempt == 1 && !mayStart(run));
    }

    /** Whether a record of this run may get its first call now. */
    private boolean mayStart(ChunkRun run) {
        return !run.handedBack() && replica.holdsLease();
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
            return outcomeWriter.writeValueAsBytes(outcome);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("record outcome cannot be written as JSON", e);
        }
    }

    /**
     * Hands one batch of a chunk's outcomes to the status topic's producer. A batch the producer gives up on (the
     * broker away for longer than its delivery time-out) is handed over again after a pause: outcomes are only ever
     * dropped by the broker's acknowledgement.
     */
    private void emit(ChunkRun run, byte[] outcomes, int count, String traceParent) {
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(run.chunk.jobId().toString());
        if (traceParent != null) {
            // the status writer's span joins the chunk's trace under the dispatcher's span
            meta.withHeaders(Traces.kafkaHeaders(traceParent));
        }
        out.emit(Message.of(outcomes)
                .addMetadata(meta.build())
                .withAck(() -> {
                    budget.release(count, outcomes.length - count - 1L);
                    run.outstanding.addAndGet(-count);
                    ackIfDone(run);
                    pump();
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(t -> {
                    LOG.warnf("outcomes of chunk %s not taken by the broker (%s); sending them again", run.key(), t.getMessage());
                    vertx.setTimer(1000, id -> emit(run, outcomes, count, traceParent));
                    return CompletableFuture.completedFuture(null);
                }));
    }

    /** Every record of the run is resolved: it is acknowledged once the broker has the last of its outcomes. */
    private void settle(ChunkRun run) {
        if (run.handedBack()) {
            releaseWhenStored(run);
            return;
        }
        run.phase(ChunkRun.Phase.SETTLING);
        ackIfDone(run);
    }

    private void ackIfDone(ChunkRun run) {
        List<Message<byte[]>> ack = run.ackable();
        if (ack.isEmpty()) {
            return;
        }
        ack.forEach(Message::ack);
        finish(run);
    }

    /** Waits out a claim held elsewhere (or a lease in doubt) off the queue, then tries again. */
    private void park(ChunkRun run) {
        if (run.handedBack()) {
            finish(run);
            return;
        }
        run.phase(ChunkRun.Phase.PARKED);
        parked.incrementAndGet();
        vertx.setTimer(config.claimRetry().toMillis(), id -> {
            parked.decrementAndGet();
            if (run.handedBack() || !accepting) {
                finish(run);
                return;
            }
            run.phase(ChunkRun.Phase.WAITING);
            queue.offer(run);
            pump();
        });
    }

    /**
     * A handed-back run whose calls have ended: once every record it sent has its outcome stored (wherever the status
     * writer runs), its claim is released, so the next claimant sends only what nobody sent.
     */
    private void releaseWhenStored(ChunkRun run) {
        run.phase(ChunkRun.Phase.RELEASING);
        Integer[] sent = run.sent.toArray(Integer[]::new);
        Uni<Integer> pending = sent.length == 0 ? Uni.createFrom().item(0) : chunks.stillPending(run.chunk.jobId(), sent);
        pending.onFailure().recoverWithItem(-1).subscribe().with(n -> {
            if (n != 0) {
                vertx.setTimer(200, id -> releaseWhenStored(run));
                return;
            }
            withRetry(chunks.release(run.chunk, replica.id()), "release chunk " + run.key())
                    .subscribe().with(ignored -> finish(run));
        });
    }

    private void finish(ChunkRun run) {
        runs.remove(run.key(), run);
        run.end();
    }

    /**
     * Partitions moved to another replica: their waiting chunks are dropped at once (never started here), and their
     * running chunks start no new record; calls in flight finish and their claims are released once stored.
     */
    public void revoked(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = new HashSet<>(partitions);
        int dropped = handBack(run -> run.partition != null && gone.contains(run.partition));
        if (dropped > 0 || !gone.isEmpty()) {
            LOG.infof("partitions %s revoked: %d chunk(s) handed back", gone, dropped);
        }
    }

    /** Hands back the runs that match; returns how many. */
    private int handBack(Predicate<ChunkRun> which) {
        List<ChunkRun> waiting = queue.removeWaiting(which);
        waiting.forEach(run -> {
            run.handBack();
            finish(run);
        });
        int n = waiting.size();
        for (ChunkRun run : runs.values()) {
            if (!which.test(run) || waiting.contains(run)) {
                continue;
            }
            n++;
            ChunkRun.Phase phase = run.handBack();
            if (phase == ChunkRun.Phase.SETTLING) {
                releaseWhenStored(run);
            }
            // SENDING: the end of its calls hands it back; PARKED: its timer ends it; WAITING: being polled right now
        }
        return n;
    }

    /**
     * Graceful shutdown (SIGTERM), before the Kafka connectors close: take no more chunks, hand back everything not
     * finished, let the calls in flight end and their outcomes reach the broker and the store, then leave the cluster
     * (the claims go with the replica's lease), all within {@code batchwire.cluster.shutdown-grace}. The consumers then
     * commit what was acknowledged and leave their groups.
     */
    void drain(@Observes ShutdownEvent event) {
        accepting = false;
        long start = System.nanoTime();
        int handed = handBack(run -> run.phase() != ChunkRun.Phase.SETTLING);
        CompletableFuture<?>[] ends = runs.values().stream().map(r -> r.ended).toArray(CompletableFuture[]::new);
        LOG.infof("shutting down: %d chunk(s) handed back, waiting for %d to end", handed, ends.length);
        boolean clean = true;
        try {
            CompletableFuture.allOf(ends).get(cluster.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            clean = false;
            LOG.warnf("shutting down: %d chunk(s) still not ended after %s; leaving anyway", runs.size(), cluster.shutdownGrace());
        }
        try {
            replica.leave().subscribeAsCompletionStage().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("shutting down: could not leave the cluster (%s); the lease runs out by itself", e.getMessage());
        }
        LOG.infof("shutting down: work handed back %s in %d ms", clean ? "cleanly" : "partly",
                (System.nanoTime() - start) / 1_000_000);
    }

    private void deadLetter(Message<byte[]> message, String reason, String cause) {
        deadLetters.send(origin(message), message.getPayload(), reason, cause)
                .subscribe().with(ignored -> message.ack());
    }

    @SuppressWarnings("unchecked")
    private static DeadLetters.Origin origin(Message<byte[]> message) {
        Optional<IncomingKafkaRecordMetadata> meta = message.getMetadata(IncomingKafkaRecordMetadata.class);
        return meta.map(m -> new DeadLetters.Origin(m.getTopic(), m.getPartition(), m.getOffset(),
                        m.getKey() == null ? null : m.getKey().toString()))
                .orElse(new DeadLetters.Origin("?", -1, -1, null));
    }

    @SuppressWarnings("unchecked")
    private static TopicPartition partition(Message<byte[]> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> new TopicPartition(m.getTopic(), m.getPartition())).orElse(null);
    }
}
