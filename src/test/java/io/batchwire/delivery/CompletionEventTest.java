package io.batchwire.delivery;

import io.batchwire.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A consumer of the public events topic, as another microservice would subscribe. */
@QuarkusTest
class CompletionEventTest {

    @Test
    void eachJobEndIsOneCloudEventKeyedByJobWithTheWebhooksId() {
        Api api = Api.newTenant();
        String completed = api.submit("company", List.of(Map.of("domain", "ok-event.com")));
        String cancelled = api.submit("company", List.of(Map.of("domain", "delay-3000-event-" + UUID.randomUUID())));
        api.req().post("/v1/jobs/" + cancelled + "/cancel").then().statusCode(200);
        api.awaitFinal(completed, Duration.ofSeconds(30));

        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        String topic = ConfigProvider.getConfig().getValue("batchwire.topics.job-events", String.class);
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            Map<String, ConsumerRecord<String, String>> seen = new java.util.concurrent.ConcurrentHashMap<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.key().equals(completed) || r.key().equals(cancelled)) {
                        assertThat(seen.put(r.key(), r)).as("one event per job end").isNull();
                    }
                });
                return seen.size() == 2;
            });

            ConsumerRecord<String, String> rec = seen.get(completed);
            assertThat(new String(rec.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
                    .startsWith("application/cloudevents+json");
            JsonPath ce = JsonPath.from(rec.value());
            assertThat(ce.getString("specversion")).isEqualTo("1.0");
            assertThat(ce.getString("id")).isEqualTo("evt_" + completed);
            assertThat(ce.getString("type")).isEqualTo("io.batchwire.job.completed");
            assertThat(ce.getString("source")).isEqualTo("/batchwire/jobs");
            assertThat(ce.getString("subject")).isEqualTo(completed);
            assertThat(ce.getString("datacontenttype")).isEqualTo("application/json");
            assertThat(ce.getString("time")).isNotNull();
            assertThat(ce.getString("data.state")).isEqualTo("completed");
            assertThat(ce.getInt("data.counts.succeeded")).isEqualTo(1);

            JsonPath other = JsonPath.from(seen.get(cancelled).value());
            assertThat(other.getString("type")).isEqualTo("io.batchwire.job.cancelled");
            assertThat(other.getString("data.state")).isEqualTo("cancelled");
        }
    }
}
