package io.batchwire.dispatch;

import io.batchwire.messaging.DeadLetters;
import io.batchwire.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A message that cannot be read and a message about a job that does not exist, on the jobs topic and on the status
 * topic: each lands on the dead-letter topic with its key, its bytes and the reason in headers, and the channels go
 * on (a job submitted after them completes).
 */
@QuarkusTest
class DeadLetterTest {

    @Test
    void poisonOnEitherTopicIsDeadLetteredAndTheRestCompletes() throws Exception {
        var config = ConfigProvider.getConfig();
        String bootstrap = config.getValue("kafka.bootstrap.servers", String.class);
        String jobsTopic = config.getValue("batchwire.topics.jobs", String.class);
        String statusTopic = config.getValue("batchwire.topics.record-results", String.class);
        String deadTopic = config.getValue("batchwire.topics.dead-letter", String.class);
        String run = UUID.randomUUID().toString().substring(0, 8);
        UUID ghost = UUID.randomUUID();
        Map<String, String> sent = Map.of(
                "bad-chunk-" + run, "{not json",
                "ghost-chunk-" + run, "{\"job_id\":\"" + ghost + "\",\"tenant_id\":\"" + UUID.randomUUID()
                        + "\",\"type\":\"company\",\"from\":0,\"to\":10}",
                "bad-outcome-" + run, "[{\"job_id\": 42,",
                "ghost-outcome-" + run, "[{\"job_id\":\"" + ghost + "\",\"index\":0,\"status\":\"succeeded\",\"status_code\":200,"
                        + "\"attempts\":1,\"started_at\":\"2026-01-01T00:00:00Z\",\"duration_ms\":5,\"result\":{},\"error\":null}]");

        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            for (var e : sent.entrySet()) {
                String topic = e.getKey().contains("chunk") ? jobsTopic : statusTopic;
                producer.send(new ProducerRecord<>(topic, e.getKey(), e.getValue())).get();
            }
        }

        // both channels go on
        Api api = Api.newTenant();
        String id = api.submit("company", List.of(Map.of("domain", "ok-after-poison-" + run)));
        JsonPath job = api.awaitFinal(id, Duration.ofSeconds(60));
        assertThat(job.getString("state")).isEqualTo("completed");
        assertThat(job.getInt("counts.succeeded")).isOne();

        Map<String, ConsumerRecord<String, String>> dead = new ConcurrentHashMap<>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "dlq-test-" + run,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(deadTopic));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (r.key() != null && r.key().endsWith(run)) {
                        dead.put(r.key(), r);
                    }
                });
                assertThat(dead).containsOnlyKeys(sent.keySet());
            });
        }
        for (var e : sent.entrySet()) {
            ConsumerRecord<String, String> r = dead.get(e.getKey());
            assertThat(r.value()).as("the original bytes of " + e.getKey()).isEqualTo(e.getValue());
            String reason = header(r, DeadLetters.REASON);
            assertThat(reason).isEqualTo(e.getKey().startsWith("bad") ? "unreadable" : "unknown_job");
            assertThat(header(r, DeadLetters.TOPIC)).isEqualTo(e.getKey().contains("chunk") ? jobsTopic : statusTopic);
            assertThat(header(r, DeadLetters.CAUSE)).isNotBlank();
            assertThat(Long.parseLong(header(r, DeadLetters.OFFSET))).isNotNegative();
        }
        assertThat(header(dead.get("ghost-chunk-" + run), DeadLetters.CAUSE)).contains(ghost.toString());
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
