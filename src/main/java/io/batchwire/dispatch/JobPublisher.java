package io.batchwire.dispatch;

import io.batchwire.messaging.TopicsConfig;
import io.batchwire.trace.Traces;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;

import io.batchwire.job.JobPipeline;
import io.batchwire.messaging.Channels;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Puts a stored job on the jobs topic as chunks, waits for the broker to take every one, then marks the job
 * dispatched (the outbox step). If any send fails, the job stays undispatched and the sweep publishes it again.
 * It is the job service's {@link JobPipeline}: new jobs are started here, and stops go to the {@link JobStopWatch}.
 */
@ApplicationScoped
public class JobPublisher implements JobPipeline {

    private static final Logger LOG = Logger.getLogger(JobPublisher.class);

    private final MutinyEmitter<JobChunk> emitter;
    private final OutboxStore store;
    private final JobStopWatch stops;
    private final DispatchConfig config;
    private final Traces traces;
    private final TopicsConfig topics;

    public JobPublisher(@Channel(Channels.JOBS_OUT) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
                        MutinyEmitter<JobChunk> emitter, OutboxStore store, JobStopWatch stops, DispatchConfig config,
                        Traces traces, TopicsConfig topics) {
        this.traces = traces;
        this.topics = topics;
        this.emitter = emitter;
        this.store = store;
        this.stops = stops;
        this.config = config;
    }

    public Uni<Void> publish(UUID jobId, UUID tenantId, String type, int totalRecords) {
        return publish(jobId, chunks(jobId, tenantId, type, totalRecords, config.chunkSize()), null);
    }

    /**
     * Publishes the last page of an export job: its one chunk. The pages before it have their outcomes (a page's record
     * is stored with the outcome of the page before), so this is all of the job that may still be unsent.
     */
    public Uni<Void> publishPage(UUID jobId, UUID tenantId, String type, int page) {
        return publish(jobId, List.of(new JobChunk(jobId, tenantId, type, page, page + 1)), null);
    }

    /** {@link #publishPage} without anyone waiting, as {@link #start} does for a new job. */
    public void startPage(UUID jobId, UUID tenantId, String type, int page) {
        background(jobId, publishPage(jobId, tenantId, type, page));
    }

    /**
     * Sends the chunks; with {@code traceParent} (tracing on) each send is a producer span of the job's trace, whose
     * context travels in the record's {@code traceparent} header to the dispatcher.
     */
    private Uni<Void> publish(UUID jobId, List<JobChunk> chunks, String traceParent) {
        List<Uni<Void>> sends = new ArrayList<>();
        for (JobChunk chunk : chunks) {
            // keyed per chunk so one large job spreads over partitions, and so over replicas
            OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(jobId + "/" + chunk.from());
            Span span = traceParent == null ? Span.getInvalid()
                    : traces.start("publish " + topics.jobs(), SpanKind.PRODUCER, traceParent);
            String context = Traces.traceparent(span);
            if (context != null) {
                span.setAttribute("messaging.system", "kafka").setAttribute("messaging.destination.name", topics.jobs())
                        .setAttribute("batchwire.chunk", chunk.from() + ".." + chunk.to());
                meta.withHeaders(Traces.kafkaHeaders(context));
            }
            sends.add(emitter.sendMessage(Message.of(chunk).addMetadata(meta.build()))
                    .onTermination().invoke(span::end));
        }
        return Uni.join().all(sends).andFailFast().chain(() -> store.markDispatched(jobId));
    }

    /**
     * Publishes a just-stored job without anyone waiting: if the broker does not take it, the submitting replica's
     * publish lease is released so that the outbox sweep publishes it soon.
     */
    @Override
    public void start(UUID jobId, UUID tenantId, String type, int totalRecords, String traceParent) {
        background(jobId, publish(jobId, chunks(jobId, tenantId, type, totalRecords, config.chunkSize()), traceParent));
    }

    private void background(UUID jobId, Uni<Void> publish) {
        publish
                .onFailure().invoke(t -> LOG.warnf("job %s stored but not yet on Kafka (%s); the sweep will publish it",
                        jobId, t.getMessage()))
                .onFailure().recoverWithUni(() -> store.releasePublishLease(jobId))
                .onFailure().invoke(t -> LOG.warnf("job %s: publish lease not released (%s); it runs out", jobId, t.getMessage()))
                .onFailure().recoverWithNull()
                .subscribe().with(ignored -> {
                });
    }

    @Override
    public void stop(UUID jobId) {
        stops.stopNow(jobId);
    }

    static List<JobChunk> chunks(UUID jobId, UUID tenantId, String type, int total, int size) {
        List<JobChunk> out = new ArrayList<>((total + size - 1) / size);
        for (int from = 0; from < total; from += size) {
            out.add(new JobChunk(jobId, tenantId, type, from, Math.min(total, from + size)));
        }
        return out;
    }
}
