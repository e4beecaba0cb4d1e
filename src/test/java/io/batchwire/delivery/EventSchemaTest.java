package io.batchwire.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.batchwire.testing.Api;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job-end event in structured mode (the default), read back with the CloudEvents SDK's Kafka binding, and its
 * data validated against the JSON Schema the service publishes (src/main/resources/META-INF/resources/schemas, served
 * at /schemas/job-event-data.v1.json) by a JSON Schema 2020-12 validator. The schema names exactly the properties a
 * real event carries and the OpenAPI JobStatus declares.
 */
@QuarkusTest
class EventSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRealStructuredEventReadsWithTheSdkAndItsDataConformsToThePublishedSchema() throws Exception {
        Api api = Api.newTenant();
        String id = api.submit("company", List.of(Map.of("domain", "ok-schema.com"), Map.of("domain", "missing-schema.com")));
        api.awaitFinal(id, Duration.ofSeconds(60));
        ConsumerRecord<String, byte[]> record = EventConsumer.eventOf(id);

        assertThat(EventConsumer.header(record, "content-type")).startsWith("application/cloudevents+json");
        assertThat(EventConsumer.header(record, "ce_id")).as("structured mode has no ce_ headers").isNull();
        CloudEvent event = KafkaMessageFactory.createReader(record).toEvent();
        assertThat(event.getId()).isEqualTo("evt_" + id);
        assertThat(event.getType()).isEqualTo("io.batchwire.job.completed");
        assertThat(event.getSource()).isEqualTo(URI.create("/batchwire/jobs"));
        assertThat(event.getSubject()).isEqualTo(id);
        assertThat(event.getDataContentType()).isEqualTo("application/json");
        assertThat(event.getDataSchema()).isEqualTo(URI.create("https://batchwire.dev/schemas/job-event-data.v1.json"));
        assertThat(event.getTime()).isNotNull();
        JsonNode data = JSON.readTree(event.getData().toBytes());
        assertThat(data.path("id").asText()).isEqualTo(id);
        assertThat(data.path("counts").path("failed").asInt()).isEqualTo(1);

        String served = given().get("/schemas/job-event-data.v1.json").then().statusCode(200).extract().asString();
        JsonNode schemaDoc = JSON.readTree(served);
        try (InputStream in = getClass().getResourceAsStream("/META-INF/resources/schemas/job-event-data.v1.json")) {
            assertThat(schemaDoc).as("served = the file in the repository").isEqualTo(JSON.readTree(in));
        }
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaDoc);
        Set<ValidationMessage> errors = schema.validate(data);
        assertThat(errors).as("the real event's data against the published schema").isEmpty();

        // the validator is not lenient: a wrong type and a missing property are caught
        var broken = data.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) broken).put("total_records", "two");
        ((com.fasterxml.jackson.databind.node.ObjectNode) broken).remove("state");
        assertThat(schema.validate(broken)).hasSizeGreaterThanOrEqualTo(2);

        // the schema, the wire and the OpenAPI name the same properties
        // (rows is an export's own: absent, not null, on a batch job, so not required; trace_id is there only when
        // tracing is on, which it is not here)
        Set<String> declared = names(schemaDoc.path("properties"));
        Set<String> exportOnly = Set.of("rows", "trace_id");
        assertThat(data.has("rows")).as("a batch job's data has no rows").isFalse();
        assertThat(data.has("trace_id")).as("tracing is off: no trace_id").isFalse();
        Set<String> batch = new TreeSet<>(declared);
        batch.removeAll(exportOnly);
        assertThat(batch).isEqualTo(names(data));
        List<String> required = new ArrayList<>();
        schemaDoc.path("required").forEach(r -> required.add(r.asText()));
        assertThat(new TreeSet<>(required)).isEqualTo(batch);
        JsonNode openapi = JSON.readTree(given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200)
                .extract().asString());
        assertThat(declared).isEqualTo(names(openapi.at("/components/schemas/JobStatus/properties")));
    }

    private static Set<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return new TreeSet<>(names);
    }
}
