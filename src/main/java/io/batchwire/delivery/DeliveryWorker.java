package io.batchwire.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.dispatch.Channels;
import io.batchwire.job.JobService;
import io.batchwire.result.export.ExportFormat;
import io.batchwire.result.export.Exporter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.file.OpenOptions;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends due deliveries, from any replica: the CloudEvent to the job-events topic, the signed webhook, and the result
 * file PUT to {@code result_url}. The first attempt fixes the payload, so every retry (and a redelivery) sends the
 * same body under the same message id. 2xx is delivered; a webhook answering 410 is stopped for good; anything else
 * (or a time-out) is retried on the configured schedule, with jitter, until the attempts run out.
 */
@ApplicationScoped
public class DeliveryWorker {

    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);

    private final DeliveryStore store;
    private final DeliveryConfig config;
    private final JobService jobs;
    private final WebhookSecrets secrets;
    private final OutboundPolicy policy;
    private final Exporter exporter;
    private final MutinyEmitter<String> events;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final Vertx vertx;
    private final WebClient client;

    public DeliveryWorker(DeliveryStore store, DeliveryConfig config, JobService jobs, WebhookSecrets secrets,
                          OutboundPolicy policy, Exporter exporter, @Channel(Channels.EVENTS_OUT) MutinyEmitter<String> events,
                          ObjectMapper json, MeterRegistry metrics, Vertx vertx) {
        this.store = store;
        this.config = config;
        this.jobs = jobs;
        this.secrets = secrets;
        this.policy = policy;
        this.exporter = exporter;
        this.events = events;
        this.json = json;
        this.metrics = metrics;
        this.vertx = vertx;
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setMaxPoolSize(config.batch())
                .setMaxWaitQueueSize(config.batch())
                .setConnectTimeout(5000)
                .setFollowRedirects(false)
                .setUserAgent("batchwire-webhooks/1"));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    @Scheduled(every = "${batchwire.deliveries.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sendDue() {
        // payloads are built one after another (they read the job through one Hibernate session on this context);
        // the sends then run in parallel
        return store.claimDue(config.batch())
                .onItem().transformToMulti(due -> Multi.createFrom().iterable(due))
                .onItem().transformToUniAndConcatenate(due -> payload(due).map(p -> new Ready(due, p))
                        .onFailure().invoke(t -> LOG.warnf("delivery %s: payload not built: %s", due.id(), t.getMessage()))
                        .onFailure().recoverWithNull())
                .onItem().transformToUniAndMerge(this::attempt)
                .collect().last().replaceWithVoid()
                .onFailure().invoke(t -> LOG.warnf("delivery poll failed: %s", t.getMessage()))
                .onFailure().recoverWithNull();
    }

    private record Ready(DeliveryStore.Due due, String payload) {
    }

    private Uni<Void> attempt(Ready ready) {
        DeliveryStore.Due due = ready.due();
        String payload = ready.payload();
        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        long t0 = System.nanoTime();
        return Uni.createFrom().voidItem()
                .chain(() -> send(due, payload)
                        .map(code -> outcome(due, code, null))
                        .onFailure().recoverWithItem(t -> outcome(due, null, t))
                        .chain(o -> {
                            int latency = (int) ((System.nanoTime() - t0) / 1_000_000);
                            Timer.builder("batchwire.deliveries.attempt").tag("kind", due.kind()).tag("result", o.state)
                                    .register(metrics).record(Duration.ofMillis(latency));
                            boolean routine = o.state.equals("delivered") && due.attempt() == 1;
                            if (!routine && (!o.state.equals("pending") || due.attempt() >= due.maxAttempts())) {
                                LOG.infof("delivery %s (%s of job %s): %s after %d attempt(s)", due.id(), due.kind(),
                                        due.jobId(), o.state.equals("pending") ? "failed" : o.state, due.attempt());
                            }
                            return store.settle(due, payload, new DeliveryStore.Attempt(started, o.code, latency, o.error),
                                    o.state, o.nextAt);
                        }))
                .onFailure().invoke(t -> LOG.warnf("delivery %s: %s", due.id(), t.getMessage()))
                .onFailure().recoverWithNull();
    }

    private record Outcome(String state, Integer code, String error, OffsetDateTime nextAt) {
    }

    private Outcome outcome(DeliveryStore.Due due, Integer code, Throwable failure) {
        if (failure == null && code != null && code >= 200 && code < 300) {
            return new Outcome("delivered", code, null, null);
        }
        if (failure instanceof OutboundPolicy.DeniedException denied) {
            return new Outcome("failed", null, "refused by the outbound policy: url " + denied.getMessage(), null);
        }
        if (failure == null && code != null && code == 410 && due.kind().equals("webhook")) {
            return new Outcome("stopped", code, "receiver answered 410 Gone", null);
        }
        String error = failure != null ? (failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage())
                : "receiver answered " + code;
        if (due.attempt() >= due.maxAttempts()) {
            return new Outcome("failed", code, error, null);
        }
        return new Outcome("pending", code, error, OffsetDateTime.now().plus(wait(due.attempt())));
    }

    /** The wait after attempt {@code n} (1-based), with +-20 % jitter. */
    Duration wait(int n) {
        List<Duration> schedule = config.retrySchedule();
        Duration base = schedule.get(Math.min(n, schedule.size()) - 1);
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis(Math.max(1, (long) (base.toMillis() * jitter)));
    }

    /** The fixed body: {type, timestamp, data} for webhooks, the CloudEvent for events; none for pushes. */
    private Uni<String> payload(DeliveryStore.Due due) {
        if (due.payload() != null || due.kind().equals("push")) {
            return Uni.createFrom().item(due.payload());
        }
        return jobs.statusById(due.jobId()).map(status -> {
            ObjectNode body = json.createObjectNode();
            String now = Instant.now().toString();
            if (due.kind().equals("event")) {
                body.put("specversion", "1.0").put("id", messageId(due)).put("source", "/batchwire/jobs")
                        .put("type", "io.batchwire." + due.eventType()).put("subject", due.jobId().toString())
                        .put("time", now).put("datacontenttype", "application/json");
            } else {
                body.put("type", due.eventType()).put("timestamp", now);
            }
            body.set("data", json.valueToTree(status));
            return body.toString();
        });
    }

    private static String messageId(DeliveryStore.Due due) {
        return "evt_" + due.jobId();
    }

    private Uni<Integer> send(DeliveryStore.Due due, String payload) {
        return switch (due.kind()) {
            case "event" -> events.sendMessage(Message.of(payload).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                            .withKey(due.jobId().toString())
                            .withHeaders(new RecordHeaders().add("content-type",
                                    "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8)))
                            .build()))
                    .replaceWith(200);
            case "webhook" -> policy.checkBeforeSend(due.url()).chain(() -> webhook(due, payload));
            case "push" -> policy.checkBeforeSend(due.url()).chain(() -> push(due));
            default -> Uni.createFrom().failure(new IllegalStateException("unknown delivery kind " + due.kind()));
        };
    }

    private Uni<Integer> webhook(DeliveryStore.Due due, String payload) {
        long timestamp = Instant.now().getEpochSecond();
        return secrets.get(due.tenantId()).chain(s -> client.postAbs(due.url())
                .putHeader("Content-Type", "application/json")
                .putHeader("webhook-id", messageId(due))
                .putHeader("webhook-timestamp", String.valueOf(timestamp))
                .putHeader("webhook-signature", WebhookSigner.header(s.signing(), messageId(due), timestamp, payload))
                .timeout(config.webhookTimeout().toMillis())
                .sendBuffer(Buffer.buffer(payload))
                .map(HttpResponse::statusCode));
    }

    /** Writes the result file to a temporary file (memory stays flat), then PUTs it with its length. */
    private Uni<Integer> push(DeliveryStore.Due due) {
        ExportFormat format = ExportFormat.parse(due.format());
        return Uni.createFrom().voidItem().chain(() -> {
            return vertx.fileSystem().createTempFile("batchwire-push-", "." + format.extension())
                    .chain(path -> writeFile(path, exporter.stream(due.jobId(), format))
                            .chain(() -> vertx.fileSystem().props(path))
                            .chain(props -> vertx.fileSystem().open(path, new OpenOptions().setRead(true))
                                    .chain(file -> client.putAbs(due.url())
                                            .putHeader("Content-Type", format.mediaType())
                                            .putHeader("Content-Length", String.valueOf(props.size()))
                                            .timeout(config.pushTimeout().toMillis())
                                            .sendStream(file)
                                            .map(HttpResponse::statusCode)
                                            .eventually(file::close)))
                            .eventually(() -> vertx.fileSystem().delete(path).onFailure().recoverWithNull()));
        });
    }

    private Uni<Void> writeFile(String path, Multi<Buffer> content) {
        return vertx.fileSystem().open(path, new OpenOptions().setWrite(true).setTruncateExisting(true))
                .chain(file -> content.onItem().transformToUniAndConcatenate(file::write)
                        .collect().last()
                        .eventually(file::close)
                        .replaceWithVoid());
    }

}
