package io.batchwire.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.batchwire.job.RecordState;
import io.batchwire.messaging.Channels;
import io.batchwire.messaging.DeadLetters;
import io.batchwire.trace.Traces;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The status consumer: stores record outcomes from the status topic in batches (one poll = one transaction).
 * Idempotent: a redelivered or duplicated outcome changes nothing, so counters stay exact. Nothing stops it: the
 * database being away pauses it (the store is retried until it answers, and the consumer polls no more meanwhile);
 * a message that cannot be read, or whose job does not exist, goes to the dead-letter topic; an outcome the database
 * refuses for its content (say, a {@code \u0000} in a JSON string) is stored as a failure that says so.
 */
@ApplicationScoped
public class OutcomeWriter {

    private static final Logger LOG = Logger.getLogger(OutcomeWriter.class);

    private final OutcomeStore store;
    private final DeadLetters deadLetters;
    private final ObjectReader reader;
    private final Counter stored;
    private final Counter finished;
    private final Traces traces;

    public OutcomeWriter(OutcomeStore store, DeadLetters deadLetters, ObjectMapper json, MeterRegistry metrics,
                         Traces traces, DispatchConfig dispatch) {
        this.traces = traces;
        this.store = store;
        this.deadLetters = deadLetters;
        // read with the limits its outcomes were written under, not a client request's
        ObjectMapper messages = json.copy();
        messages.getFactory().setStreamReadConstraints(OutcomeBatch.messageLimits(json.getFactory().streamReadConstraints(),
                dispatch.outcomeMaxBytes()));
        // where each result sits in the message's bytes, so it is cut out as text (OutcomeResultReader)
        this.reader = messages.readerFor(OutcomeBatch.class)
                .with(com.fasterxml.jackson.core.JsonParser.Feature.INCLUDE_SOURCE_IN_LOCATION);
        this.stored = Counter.builder("batchwire.outcomes.received").description("record outcomes read from the status topic")
                .register(metrics);
        this.finished = Counter.builder("batchwire.jobs.finished").description("jobs that reached a final state")
                .register(metrics);
    }

    /** One message of the poll: where it came from, its bytes, and its outcomes (null if it cannot be read). */
    private record Read(DeadLetters.Origin origin, byte[] value, List<RecordOutcome> outcomes, String problem) {
    }

    @Incoming(Channels.RESULTS_IN)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Uni<Void> write(KafkaRecordBatch<String, byte[]> batch) {
        List<Read> readable = new ArrayList<>();
        List<Read> unreadable = new ArrayList<>();
        List<Span> spans = traces.enabled() ? new ArrayList<>() : List.of();
        for (KafkaRecord<String, byte[]> r : batch.getRecords()) {
            Read read = read(r);
            (read.outcomes() == null ? unreadable : readable).add(read);
            if (traces.enabled()) {
                span(r, read).ifPresent(spans::add);
            }
        }
        return Multi.createFrom().iterable(unreadable)
                .onItem().transformToUniAndConcatenate(m -> deadLetters.send(m.origin(), m.value(), "unreadable", m.problem()))
                .collect().last()
                .chain(() -> storeAll(readable))
                .chain(() -> Uni.createFrom().completionStage(batch.ack()))
                .onTermination().invoke(() -> spans.forEach(Span::end));
    }

    /** The status writer's span of one message, in the trace its {@code traceparent} header names (tracing on). */
    private java.util.Optional<Span> span(KafkaRecord<String, byte[]> r, Read read) {
        String parent = Traces.fromKafka(r.getHeaders());
        if (parent == null) {
            return java.util.Optional.empty();
        }
        Span span = traces.start("process " + r.getTopic(), SpanKind.CONSUMER, parent)
                .setAttribute("messaging.system", "kafka").setAttribute("messaging.destination.name", r.getTopic())
                .setAttribute("batchwire.outcomes", read.outcomes() == null ? 0 : read.outcomes().size());
        if (read.outcomes() == null) {
            Traces.fail(span, read.problem());
        }
        return java.util.Optional.of(span);
    }

    private Read read(KafkaRecord<String, byte[]> r) {
        long offset = r.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset).orElse(-1L);
        DeadLetters.Origin origin = new DeadLetters.Origin(r.getTopic(), r.getPartition(), offset, r.getKey());
        try {
            OutcomeBatch b = reader.readValue(r.getPayload());
            for (RecordOutcome o : b.outcomes()) {
                if (o.jobId() == null || o.status() == null || !o.status().isTerminal() || o.index() < 0) {
                    throw new IllegalArgumentException("an outcome needs job_id, index and a terminal status");
                }
            }
            return new Read(origin, r.getPayload(), b.outcomes(), null);
        } catch (Exception e) {
            return new Read(origin, r.getPayload(), null, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** Stores the poll's outcomes in one transaction; if the database refuses their content, one message at a time. */
    private Uni<Void> storeAll(List<Read> messages) {
        List<RecordOutcome> all = new ArrayList<>();
        messages.forEach(m -> all.addAll(m.outcomes()));
        if (all.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return untilAnswered(store.store(all))
                .invoke(done -> counted(all.size(), done))
                .chain(done -> deadLetterUnknown(messages, done.unknown()))
                .onFailure(DatabaseErrors::isPermanent).recoverWithUni(t -> {
                    LOG.warnf("a batch of %d outcomes was refused (%s); storing its messages one by one", all.size(), t.getMessage());
                    return Multi.createFrom().iterable(messages).onItem().transformToUniAndConcatenate(this::storeOne)
                            .collect().last().replaceWithVoid();
                });
    }

    private Uni<Void> storeOne(Read m) {
        return untilAnswered(store.store(m.outcomes()))
                .onFailure(DatabaseErrors::isPermanent).recoverWithUni(t -> m.outcomes().size() == 1
                        ? storeAsFailed(m, m.outcomes(), t)
                        : storeEach(m))
                .invoke(done -> counted(m.outcomes().size(), done))
                .chain(done -> deadLetterUnknown(List.of(m), done.unknown()))
                .onFailure(DatabaseErrors::isPermanent)
                .recoverWithUni(t -> deadLetters.send(m.origin(), m.value(), "unstorable", t.getMessage()));
    }

    /**
     * A refused message's outcomes one at a time, so only those the database refuses (one upstream's NUL, say) become
     * failures, not their neighbours in the batch; the counts add up as one store's would.
     */
    private Uni<OutcomeStore.Stored> storeEach(Read m) {
        return Multi.createFrom().iterable(m.outcomes())
                .onItem().transformToUniAndConcatenate(o -> untilAnswered(store.store(List.of(o)))
                        .onFailure(DatabaseErrors::isPermanent).recoverWithUni(t -> storeAsFailed(m, List.of(o), t)))
                .collect().asList().map(OutcomeStore.Stored::merged);
    }

    private Uni<OutcomeStore.Stored> storeAsFailed(Read m, List<RecordOutcome> outcomes, Throwable t) {
        LOG.warnf("outcomes from %s-%d@%d refused by the database (%s); stored as failed",
                m.origin().topic(), m.origin().partition(), m.origin().offset(), t.getMessage());
        return untilAnswered(store.store(unstorable(outcomes, t.getMessage())));
    }

    /** The same records as failures without a body: their outcome could not be stored as it came. */
    private static List<RecordOutcome> unstorable(List<RecordOutcome> outcomes, String why) {
        List<RecordOutcome> out = new ArrayList<>(outcomes.size());
        for (RecordOutcome o : outcomes) {
            out.add(new RecordOutcome(o.jobId(), o.index(), RecordState.FAILED, o.statusCode(), o.attempts(), o.startedAt(),
                    o.durationMs(), null, new RecordOutcome.RecordError("outcome_unstorable",
                    "the outcome could not be stored: " + why)));
        }
        return out;
    }

    /** Retries while the failure is the database being away (or busy): the consumer pauses meanwhile. */
    private static <T> Uni<T> untilAnswered(Uni<T> step) {
        return step.onFailure(t -> !DatabaseErrors.isPermanent(t))
                .invoke(t -> LOG.warnf("storing outcomes failed (%s); retrying", t.getMessage()))
                .onFailure(t -> !DatabaseErrors.isPermanent(t))
                .retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).indefinitely();
    }

    private Uni<Void> deadLetterUnknown(List<Read> messages, Set<UUID> unknown) {
        if (unknown.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Read> dead = new ArrayList<>();
        for (Read m : messages) {
            Set<UUID> jobs = new HashSet<>();
            m.outcomes().forEach(o -> jobs.add(o.jobId()));
            if (jobs.stream().anyMatch(unknown::contains)) {
                dead.add(m);
            }
        }
        return Multi.createFrom().iterable(dead)
                .onItem().transformToUniAndConcatenate(m -> deadLetters.send(m.origin(), m.value(), "unknown_job",
                        "outcomes of a job that does not exist: " + unknown))
                .collect().last().replaceWithVoid();
    }

    private void counted(int outcomes, OutcomeStore.Stored done) {
        stored.increment(outcomes);
        finished.increment(done.finished().size());
        if (!done.finished().isEmpty() && LOG.isDebugEnabled()) {
            LOG.debugf("jobs finished: %s", done.finished());
        }
    }
}
