package io.batchwire.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.testing.Api;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With {@code batchwire.deliveries.event-mode=binary} the job-end event is a binary-mode CloudEvent on the real broker. */
@QuarkusTest
@TestProfile(BinaryEventModeTest.Binary.class)
class BinaryEventModeTest {

    public static class Binary implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("batchwire.deliveries.event-mode", "binary");
        }
    }

    @Test
    void theEventIsCeHeadersAndTheJobStatusAsTheValue() throws Exception {
        Api api = Api.newTenant();
        String id = api.submit("company", List.of(Map.of("domain", "ok-binary.com")));
        String cancelled = api.submit("company", List.of(Map.of("domain", "delay-3000-binary.com")));
        api.req().post("/v1/jobs/" + cancelled + "/cancel").then().statusCode(200);
        api.awaitFinal(id, Duration.ofSeconds(60));

        ConsumerRecord<String, byte[]> record = EventConsumer.eventOf(id);
        assertThat(EventConsumer.header(record, "content-type")).isEqualTo("application/json");
        assertThat(EventConsumer.header(record, "ce_specversion")).isEqualTo("1.0");
        assertThat(EventConsumer.header(record, "ce_id")).isEqualTo("evt_" + id);
        assertThat(EventConsumer.header(record, "ce_type")).isEqualTo("io.batchwire.job.completed");
        assertThat(EventConsumer.header(record, "ce_source")).isEqualTo("/batchwire/jobs");
        assertThat(EventConsumer.header(record, "ce_subject")).isEqualTo(id);
        assertThat(EventConsumer.header(record, "ce_dataschema")).isEqualTo("https://batchwire.dev/schemas/job-event-data.v1.json");
        assertThat(OffsetDateTime.parse(EventConsumer.header(record, "ce_time"))).isNotNull();
        JsonNode value = new ObjectMapper().readTree(record.value());
        assertThat(value.has("specversion")).as("the value is the data alone, not an envelope").isFalse();
        assertThat(value.path("id").asText()).isEqualTo(id);
        assertThat(value.path("state").asText()).isEqualTo("completed");

        CloudEvent event = KafkaMessageFactory.createReader(record).toEvent();
        assertThat(event.getId()).isEqualTo("evt_" + id);
        assertThat(new ObjectMapper().readTree(event.getData().toBytes())).isEqualTo(value);

        ConsumerRecord<String, byte[]> other = EventConsumer.eventOf(cancelled);
        assertThat(EventConsumer.header(other, "ce_type")).isEqualTo("io.batchwire.job.cancelled");
        assertThat(new ObjectMapper().readTree(other.value()).path("state").asText()).isEqualTo("cancelled");
    }
}
