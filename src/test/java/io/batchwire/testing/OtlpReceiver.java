package io.batchwire.testing;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An OTLP/HTTP trace receiver on loopback, as a collector would be: {@code POST /v1/traces} takes protobuf
 * {@code ExportTraceServiceRequest}s (decoded with the protocol's own classes) and keeps every span;
 * {@code GET /spans} answers them as JSON ({@code trace_id, span_id, parent_span_id, name, kind, attributes}), so a
 * test reads them over HTTP whatever class loader it runs in. As a test resource it points the service's exporter at
 * itself and turns tracing on.
 */
public class OtlpReceiver implements QuarkusTestResourceLifecycleManager {

    private Vertx vertx;
    private final List<JsonObject> spans = new CopyOnWriteArrayList<>();

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        HttpServer server;
        try {
            server = vertx.createHttpServer().requestHandler(req -> {
                if (req.method().name().equals("GET") && req.path().equals("/spans")) {
                    req.response().putHeader("Content-Type", "application/json").end(new JsonArray(List.copyOf(spans)).encode());
                    return;
                }
                req.body().onSuccess(body -> {
                    try {
                        ExportTraceServiceRequest export = ExportTraceServiceRequest.parseFrom(body.getBytes());
                        for (ResourceSpans rs : export.getResourceSpansList()) {
                            for (ScopeSpans ss : rs.getScopeSpansList()) {
                                ss.getSpansList().forEach(s -> spans.add(new JsonObject()
                                        .put("trace_id", hex(s.getTraceId())).put("span_id", hex(s.getSpanId()))
                                        .put("parent_span_id", hex(s.getParentSpanId())).put("name", s.getName())
                                        .put("kind", s.getKind().name()).put("status", s.getStatus().getCode().name())
                                        .put("attributes", attributes(s.getAttributesList()))));
                            }
                        }
                        req.response().putHeader("Content-Type", "application/x-protobuf")
                                .end(io.vertx.core.buffer.Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
                    } catch (Exception e) {
                        req.response().setStatusCode(400).end(String.valueOf(e.getMessage()));
                    }
                });
            }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the OTLP receiver did not start", e);
        }
        String endpoint = "http://127.0.0.1:" + server.actualPort();
        return Map.of("quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.exporter.otlp.traces.endpoint", endpoint,
                "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
                "quarkus.otel.bsp.schedule.delay", "100ms",
                "batchwire.test.otlp-receiver", endpoint);
    }

    private static String hex(ByteString bytes) {
        return bytes.isEmpty() ? null : HexFormat.of().formatHex(bytes.toByteArray());
    }

    private static JsonObject attributes(List<KeyValue> kvs) {
        JsonObject out = new JsonObject();
        for (KeyValue kv : kvs) {
            var v = kv.getValue();
            out.put(kv.getKey(), v.hasIntValue() ? (Object) v.getIntValue() : v.hasBoolValue() ? (Object) v.getBoolValue()
                    : v.hasDoubleValue() ? (Object) v.getDoubleValue() : v.getStringValue());
        }
        return out;
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
