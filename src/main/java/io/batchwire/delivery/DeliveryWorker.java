package io.batchwire.delivery;

import io.batchwire.trace.Traces;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;

/**
 * Sends due deliveries, from any replica: claims them ({@link DeliveryStore#claimDue}), hands each to its kind's
 * {@link DeliverySender}, and records the attempt and where the {@link RetryPolicy} says the delivery goes next. The
 * first attempt fixes the payload, so every retry (and a redelivery) sends the same body under the same message id.
 */
@ApplicationScoped
public class DeliveryWorker {

    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);

    private final DeliveryStore store;
    private final DeliveryConfig config;
    private final RetryPolicy policy;
    private final Map<DeliveryKind, DeliverySender> senders = new EnumMap<>(DeliveryKind.class);
    private final MeterRegistry metrics;
    private final Traces traces;

    public DeliveryWorker(DeliveryStore store, DeliveryConfig config, RetryPolicy policy, Instance<DeliverySender> senders,
                          MeterRegistry metrics, Traces traces) {
        this.traces = traces;
        this.store = store;
        this.config = config;
        this.policy = policy;
        this.metrics = metrics;
        for (DeliverySender s : senders) {
            if (this.senders.put(s.kind(), s) != null) {
                throw new IllegalStateException("two senders for deliveries of kind " + s.kind().wire());
            }
        }
        for (DeliveryKind k : DeliveryKind.values()) {
            if (!this.senders.containsKey(k)) {
                throw new IllegalStateException("no sender for deliveries of kind " + k.wire());
            }
        }
    }

    @Scheduled(every = "${batchwire.deliveries.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
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

    /** The kept payload, or the one the first attempt fixes. */
    private Uni<String> payload(DeliveryStore.Due due) {
        return due.payload() != null ? Uni.createFrom().item(due.payload()) : senders.get(due.kind()).payload(due);
    }

    private Uni<Void> attempt(Ready ready) {
        DeliveryStore.Due due = ready.due();
        DeliverySender sender = senders.get(due.kind());
        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        long t0 = System.nanoTime();
        // a span of the job's trace per attempt (tracing on)
        Span span = due.traceParent() == null ? Span.getInvalid()
                : traces.start("deliver " + due.kind().wire(), SpanKind.CLIENT, due.traceParent())
                .setAttribute("batchwire.delivery", due.kind().wire()).setAttribute("batchwire.attempt", due.attempt())
                .setAttribute("batchwire.event_type", due.eventType());
        return Uni.createFrom().voidItem()
                .chain(() -> sender.send(due, ready.payload()))
                .map(code -> policy.decide(due, sender, code, null))
                .onFailure().recoverWithItem(t -> policy.decide(due, sender, null, t))
                .invoke(d -> {
                    if (d.code() != null) {
                        span.setAttribute("http.response.status_code", d.code());
                    }
                    if (d.state() != DeliveryState.DELIVERED) {
                        Traces.fail(span, d.error());
                    }
                    span.end();
                })
                .chain(d -> {
                    int latency = (int) ((System.nanoTime() - t0) / 1_000_000);
                    Timer.builder("batchwire.deliveries.attempt").tag("kind", due.kind().wire()).tag("result", d.state().wire())
                            .register(metrics).record(Duration.ofMillis(latency));
                    log(due, d);
                    return store.settle(due, ready.payload(), new DeliveryStore.Attempt(started, d.code(), latency, d.error()),
                            d.state(), d.nextAt());
                })
                .onFailure().invoke(t -> LOG.warnf("delivery %s: %s", due.id(), t.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Logs what is not routine: any end but a first-attempt delivery, and the last failed attempt. */
    private static void log(DeliveryStore.Due due, RetryPolicy.Decision d) {
        boolean pending = d.state() == DeliveryState.PENDING;
        boolean routine = d.state() == DeliveryState.DELIVERED && due.attempt() == 1;
        if (!routine && (!pending || due.attempt() >= due.maxAttempts())) {
            LOG.infof("delivery %s (%s of job %s): %s after %d attempt(s)", due.id(), due.kind().wire(), due.jobId(),
                    pending ? "failed" : d.state().wire(), due.attempt());
        }
    }
}
