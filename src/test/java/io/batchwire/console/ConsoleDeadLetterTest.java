package io.batchwire.console;

import io.batchwire.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dead letters in the console, end to end on the real broker: a poison message on the jobs topic is dead-lettered by
 * the dispatcher, stored from the dead-letter topic, shown with its reason and payload, and replayed to the jobs
 * topic (where it fails again and comes back as a new dead letter). Replay needs the CSRF token and the operator.
 */
@QuarkusTest
class ConsoleDeadLetterTest {

    @Test
    void aPoisonMessageIsShownAndReplayedOnlyByTheOperatorWithTheToken() throws Exception {
        var config = ConfigProvider.getConfig();
        String key = "console-dl-" + UUID.randomUUID().toString().substring(0, 8);
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getValue("kafka.bootstrap.servers", String.class),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(config.getValue("batchwire.topics.jobs", String.class), key, "{not json <b>")).get();
        }
        ConsoleClient admin = ConsoleClient.admin();
        await().atMost(Duration.ofSeconds(60)).until(() -> ids(admin.get("/console/dead-letters").asString(), key).size() == 1);
        long id = ids(admin.get("/console/dead-letters").asString(), key).getFirst();

        String page = admin.get("/console/dead-letters/" + id).asString();
        assertThat(page).contains("{not json &lt;b&gt;").contains(config.getValue("batchwire.topics.jobs", String.class))
                .contains("id=\"replays\">0<");

        // without the token, or as a tenant: 403, nothing sent
        assertThat(admin.post("/console/dead-letters/" + id + "/replay", null).statusCode()).isEqualTo(403);
        assertThat(admin.post("/console/dead-letters/" + id + "/replay", "wrong").statusCode()).isEqualTo(403);
        ConsoleClient tenant = ConsoleClient.login(Api.newTenant().tenant().apiKey());
        assertThat(tenant.get("/console/dead-letters").statusCode()).isEqualTo(403);
        assertThat(tenant.post("/console/dead-letters/" + id + "/replay", tenant.csrf()).statusCode()).isEqualTo(403);
        assertThat(admin.get("/console/dead-letters/" + id).asString()).contains("id=\"replays\">0<");
        assertThat(ids(admin.get("/console/dead-letters").asString(), key)).hasSize(1);

        Response replayed = admin.post("/console/dead-letters/" + id + "/replay", admin.csrf());
        assertThat(replayed.statusCode()).isEqualTo(303);
        assertThat(replayed.header("Location")).endsWith("/console/dead-letters/" + id + "?notice=replayed");
        assertThat(admin.get("/console/dead-letters/" + id).asString()).contains("id=\"replays\">1<");
        // still poison: the dispatcher dead-letters it again, a new row with the same key
        await().atMost(Duration.ofSeconds(60)).until(() -> ids(admin.get("/console/dead-letters").asString(), key).size() == 2);

        assertThat(admin.get("/console/dead-letters/999999999").statusCode()).isEqualTo(404);
        assertThat(admin.get("/console/dead-letters/nope").statusCode()).isEqualTo(400);
    }

    private static List<Long> ids(String html, String key) {
        Matcher m = Pattern.compile("data-dead-letter=\"(\\d+)\" data-key=\"" + Pattern.quote(key) + "\"").matcher(html);
        List<Long> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(Long.parseLong(m.group(1)));
        }
        return out;
    }
}
