package io.batchwire.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.batchwire.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The AsyncAPI document served at /q/asyncapi is valid AsyncAPI 3.0.0 (checked against the official JSON Schema of
 * the spec, vendored from the npm package @asyncapi/specs 6.11.1, Apache-2.0, in src/test/resources/asyncapi), every
 * reference in it resolves, its channel addresses are the configured topic names, and real messages of the pipeline
 * topics conform to the payload schemas it declares.
 */
@QuarkusTest
class AsyncApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonNode served() throws Exception {
        String body = given().redirects().follow(true).get("/q/asyncapi").then().statusCode(200).extract().asString();
        return JSON.readTree(body);
    }

    @Test
    void theServedDocumentIsValidAsyncApi3AndEveryReferenceResolves() throws Exception {
        JsonNode doc = served();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/resources/asyncapi.json")) {
            assertThat(doc).as("served = the file in the repository").isEqualTo(JSON.readTree(in));
        }
        assertThat(doc.path("asyncapi").asText()).isEqualTo("3.0.0");
        JsonSchema spec;
        try (InputStream in = getClass().getResourceAsStream("/asyncapi/asyncapi-3.0.0.schema.json")) {
            spec = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(JSON.readTree(in));
        }
        assertThat(spec.validate(doc)).as("against the AsyncAPI 3.0.0 JSON Schema").isEmpty();
        ObjectNode broken = doc.deepCopy();
        ((ObjectNode) broken.path("operations").path("publishJobEnds")).put("action", "publish");
        ((ObjectNode) broken.path("channels")).putObject("bad").put("address", 42);
        assertThat(spec.validate(broken)).as("the validator catches AsyncAPI 2 words and wrong types").isNotEmpty();

        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            if (ref.startsWith("#/")) {
                assertThat(doc.at(ref.substring(1)).isMissingNode()).as("reference " + ref).isFalse();
            } else {
                given().get("/" + ref).then().statusCode(200); // relative to /asyncapi.json
            }
        }
        // every operation names messages of its own channel; every channel has an operation
        List<String> used = new ArrayList<>();
        doc.path("operations").fields().forEachRemaining(op -> {
            String channel = op.getValue().path("channel").path("$ref").asText();
            used.add(channel);
            op.getValue().path("messages").forEach(m -> assertThat(m.path("$ref").asText())
                    .as(op.getKey() + " message").startsWith(channel + "/messages/"));
        });
        doc.path("channels").fieldNames().forEachRemaining(c -> assertThat(used).contains("#/channels/" + c));
    }

    @Test
    void channelAddressesAreTheConfiguredTopicNames() throws Exception {
        JsonNode channels = served().path("channels");
        var config = ConfigProvider.getConfig();
        assertThat(channels.path("jobs").path("address").asText()).isEqualTo(config.getValue("batchwire.topics.jobs", String.class));
        assertThat(channels.path("recordResults").path("address").asText())
                .isEqualTo(config.getValue("batchwire.topics.record-results", String.class));
        assertThat(channels.path("jobEvents").path("address").asText())
                .isEqualTo(config.getValue("batchwire.topics.job-events", String.class));
        assertThat(channels.path("deadLetter").path("address").asText())
                .isEqualTo(config.getValue("batchwire.topics.dead-letter", String.class));
        assertThat(channels.size()).isEqualTo(4);
    }

    @Test
    void realMessagesOfEveryPipelineTopicConformToTheDeclaredPayloads() throws Exception {
        JsonNode doc = served();
        Api api = Api.newTenant();
        String id = api.submit("company", List.of(Map.of("domain", "ok-asyncapi.com"), Map.of("domain", "missing-asyncapi.com")));
        api.awaitFinal(id, Duration.ofSeconds(60));
        var config = ConfigProvider.getConfig();

        JsonNode chunk = first(config.getValue("batchwire.topics.jobs", String.class), id);
        assertThat(validator(doc, "JobChunk").validate(chunk)).as("job chunk " + chunk).isEmpty();

        JsonNode outcomes = first(config.getValue("batchwire.topics.record-results", String.class), id);
        assertThat(outcomes.isArray()).isTrue();
        for (JsonNode outcome : outcomes) {
            assertThat(validator(doc, "RecordOutcome").validate(outcome)).as("outcome " + outcome).isEmpty();
        }

        JsonNode event = first(config.getValue("batchwire.topics.job-events", String.class), id);
        ObjectNode envelope = doc.at("/components/schemas/JobEndCloudEvent").deepCopy();
        ((ObjectNode) envelope.path("properties")).putObject("data").put("type", "object"); // data: EventSchemaTest
        assertThat(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(envelope).validate(event))
                .as("structured event " + event).isEmpty();
    }

    private static JsonSchema validator(JsonNode doc, String name) {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(doc.at("/components/schemas/" + name));
    }

    /** The first message of {@code topic} whose value mentions the job. */
    private static JsonNode first(String topic, String jobId) {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        try (var consumer = new KafkaConsumer<String, byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            AtomicReference<JsonNode> found = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (found.get() == null && r.value() != null && new String(r.value(), java.nio.charset.StandardCharsets.UTF_8).contains(jobId)) {
                        try {
                            found.set(JSON.readTree(r.value()));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
                return found.get() != null;
            });
            return found.get();
        }
    }

    private static void collectRefs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                if (f.getKey().equals("$ref") && f.getValue().isTextual()) {
                    out.add(f.getValue().asText());
                } else {
                    collectRefs(f.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, out));
        }
    }
}
