package io.batchwire.trace;

import io.batchwire.testing.Api;
import io.batchwire.testing.Receiver;
import io.batchwire.testing.TracingProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tracing on, spans exported by OTLP/HTTP to a receiver on loopback: one job is one trace, from the submit through the
 * jobs topic (the context in the Kafka headers), the dispatcher, each upstream call (client spans with the upstream's
 * name and status), the status writer and the webhook; the job status carries the trace id.
 */
@QuarkusTest
@TestProfile(TracingProfile.class)
class TracesTest {

    private static Receiver hooks;

    @BeforeAll
    static void receiver() throws Exception {
        hooks = new Receiver();
    }

    @AfterAll
    static void close() {
        hooks.close();
    }

    private static List<JsonObject> spans() throws Exception {
        String receiver = ConfigProvider.getConfig().getValue("batchwire.test.otlp-receiver", String.class);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(receiver + "/spans")).build(),
                HttpResponse.BodyHandlers.ofString());
        return new JsonArray(r.body()).stream().map(o -> (JsonObject) o).toList();
    }

    private static JsonObject one(List<JsonObject> spans, String name) {
        List<JsonObject> found = spans.stream().filter(s -> s.getString("name").equals(name)).toList();
        assertThat(found).as("one span named " + name + " in " + names(spans)).hasSize(1);
        return found.getFirst();
    }

    private static String names(List<JsonObject> spans) {
        return spans.stream().map(s -> s.getString("name") + "(" + s.getString("span_id") + "<-" + s.getString("parent_span_id") + ")")
                .collect(Collectors.joining(", "));
    }

    @Test
    void oneJobIsOneTraceFromTheSubmitToTheWebhook() throws Exception {
        Api api = Api.newTenant();
        String hook = "/traced-" + UUID.randomUUID();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String id = api.req().body(Map.of("type", "company", "webhook_url", hooks.url(hook),
                        "records", List.of(Map.of("domain", "ok-trace-a-" + run + ".com"), Map.of("domain", "missing-trace-" + run + ".com"))))
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        JsonPath done = api.awaitFinal(id, Duration.ofSeconds(60));
        String traceId = done.getString("trace_id");
        assertThat(traceId).as("the job status names its trace").matches("[0-9a-f]{32}");
        await().atMost(Duration.ofSeconds(30)).until(() -> !hooks.requests(hook).isEmpty());

        // every span of the job's trace reaches the receiver: the webhook's is the last
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> spans().stream()
                .anyMatch(s -> s.getString("trace_id").equals(traceId) && s.getString("name").equals("deliver webhook")
                        && Integer.valueOf(200).equals(s.getJsonObject("attributes").getInteger("http.response.status_code"))));
        List<JsonObject> trace = spans().stream().filter(s -> s.getString("trace_id").equals(traceId)).toList();

        JsonObject submit = one(trace, "job submit");
        assertThat(submit.getJsonObject("attributes").getString("batchwire.job_id")).isEqualTo(id);
        JsonObject publish = one(trace, "publish batchwire.jobs");
        assertThat(publish.getString("kind")).isEqualTo("SPAN_KIND_PRODUCER");
        assertThat(publish.getString("parent_span_id")).as("submit -> kafka").isEqualTo(submit.getString("span_id"));
        // the dispatcher's run of the chunk (a redelivered chunk would run again, under the same parent)
        List<JsonObject> dispatches = trace.stream().filter(s -> s.getString("name").equals("process batchwire.jobs")).toList();
        assertThat(dispatches).as("the dispatcher's span; " + names(trace)).isNotEmpty();
        for (JsonObject d : dispatches) {
            assertThat(d.getString("kind")).isEqualTo("SPAN_KIND_CONSUMER");
            assertThat(d.getString("parent_span_id")).as("kafka -> dispatcher: the context came in the headers; " + names(trace))
                    .isEqualTo(publish.getString("span_id"));
        }
        List<String> dispatchIds = dispatches.stream().map(d -> d.getString("span_id")).toList();

        List<JsonObject> calls = trace.stream().filter(s -> s.getString("name").equals("upstream company")).toList();
        // one client span per attempt: at least one per record (a busy machine may time an attempt out and retry it)
        assertThat(calls.size()).as("client spans of the upstream calls").isGreaterThanOrEqualTo(2);
        for (JsonObject call : calls) {
            assertThat(call.getString("kind")).isEqualTo("SPAN_KIND_CLIENT");
            assertThat(call.getString("parent_span_id")).as("dispatcher -> upstream call").isIn(dispatchIds);
            assertThat(call.getJsonObject("attributes").getString("batchwire.upstream")).isEqualTo("company");
        }
        assertThat(calls.stream().map(c -> c.getJsonObject("attributes").getInteger("http.response.status_code")).toList())
                .contains(200, 404);
        for (JsonObject call : calls) {
            Integer status = call.getJsonObject("attributes").getInteger("http.response.status_code");
            assertThat(call.getString("status")).as("a call that did not succeed is an error span")
                    .isEqualTo(status != null && status == 200 ? "STATUS_CODE_UNSET" : "STATUS_CODE_ERROR");
        }

        List<JsonObject> writes = trace.stream().filter(s -> s.getString("name").equals("process batchwire.record-results")).toList();
        assertThat(writes).as("the status writer's spans").isNotEmpty();
        writes.forEach(w -> assertThat(w.getString("parent_span_id")).as("dispatcher -> status writer").isIn(dispatchIds));

        // one span per delivery attempt, the last one delivered
        List<JsonObject> webhooks = trace.stream().filter(s -> s.getString("name").equals("deliver webhook")).toList();
        for (JsonObject webhook : webhooks) {
            assertThat(webhook.getString("kind")).isEqualTo("SPAN_KIND_CLIENT");
            assertThat(webhook.getString("parent_span_id")).as("the job's trace -> webhook").isEqualTo(submit.getString("span_id"));
        }
        assertThat(webhooks.stream().map(w -> w.getJsonObject("attributes").getInteger("http.response.status_code")))
                .contains(200);

        // and keeps naming it
        assertThat(api.req().get("/v1/jobs/" + id).then().statusCode(200).extract().<String>path("trace_id")).isEqualTo(traceId);
    }
}
