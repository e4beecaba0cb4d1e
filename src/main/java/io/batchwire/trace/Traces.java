package io.batchwire.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.inject.Singleton;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One trace per job (OpenTelemetry, off unless {@code quarkus.otel.sdk.disabled=false}): the submit, the jobs topic
 * (W3C {@code traceparent} in the Kafka headers), the dispatcher, every upstream call, the status writer and the
 * deliveries are spans of it. The job keeps its trace's {@code traceparent}, so a republished chunk or a later
 * delivery joins the same trace. Off, every method answers at once: {@link #start} gives the no-op span, nothing is
 * read or written, so the per-record path costs a boolean test.
 */
@Singleton // not a client proxy: it is called on every record's path (issue 17)
public class Traces {

    /** The Kafka header and HTTP header the context travels in (W3C Trace Context). */
    public static final String HEADER = "traceparent";

    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return java.util.List.of(HEADER);
        }

        @Override
        public String get(String carrier, String key) {
            return HEADER.equals(key) ? carrier : null;
        }
    };

    private final boolean enabled;
    private final Tracer tracer;

    public Traces(@ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean disabled,
                  OpenTelemetry openTelemetry) {
        this.enabled = !disabled;
        this.tracer = openTelemetry.getTracer("io.batchwire");
    }

    public boolean enabled() {
        return enabled;
    }

    /** A span under the span of the context this runs in (the HTTP request's, if any): the no-op span when off. */
    public Span startHere(String name, SpanKind kind) {
        if (!enabled) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder(name).setSpanKind(kind).setParent(Context.current()).startSpan();
    }

    /** A span under the span a {@code traceparent} names (a new trace when it is null or unreadable). */
    public Span start(String name, SpanKind kind, String traceparent) {
        if (!enabled) {
            return Span.getInvalid();
        }
        Context parent = traceparent == null ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, TRACEPARENT);
        return tracer.spanBuilder(name).setSpanKind(kind).setParent(parent).startSpan();
    }

    /** A span under {@code parent} (no-op when off, or when the parent is the no-op span). */
    public Span start(String name, SpanKind kind, Span parent) {
        if (!enabled || !parent.getSpanContext().isValid()) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder(name).setSpanKind(kind).setParent(Context.root().with(parent)).startSpan();
    }

    /** The span's {@code traceparent}, or null for the no-op span. */
    public static String traceparent(Span span) {
        SpanContext c = span.getSpanContext();
        if (!c.isValid()) {
            return null;
        }
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
    }

    /** The trace id in a {@code traceparent}, or null. */
    public static String traceId(String traceparent) {
        if (traceparent == null || traceparent.length() < 55 || traceparent.charAt(2) != '-') {
            return null;
        }
        return traceparent.substring(3, 35);
    }

    /** Adds the span's {@code traceparent} to outgoing HTTP headers (nothing for the no-op span). */
    public static void inject(Span span, Map<String, String> headers) {
        String tp = traceparent(span);
        if (tp != null) {
            headers.put(HEADER, tp);
        }
    }

    /** Kafka record headers carrying {@code traceparent}. */
    public static Headers kafkaHeaders(String traceparent) {
        return new RecordHeaders().add(HEADER, traceparent.getBytes(StandardCharsets.US_ASCII));
    }

    /** The {@code traceparent} in Kafka record headers, or null. */
    public static String fromKafka(Headers headers) {
        Header h = headers == null ? null : headers.lastHeader(HEADER);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.US_ASCII);
    }

    /** Ends a span as failed with {@code why}. */
    public static void fail(Span span, String why) {
        span.setStatus(StatusCode.ERROR, why == null ? "" : why);
    }
}
