package io.batchwire.ops;

import io.batchwire.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every metric the Grafana dashboard and the PrometheusRule alerts in deploy/monitoring query exists in a real
 * scrape of /q/metrics, taken after a job with a webhook ran and a dead letter arrived (so that the series that exist
 * only once something happened are there too). The scrape is written to target/metrics-scrape.txt.
 */
@QuarkusTest
class DeployMetricsTest {

    /** Metric names in PromQL as we write them: our own and the libraries' families. */
    private static final Pattern METRIC = Pattern.compile(
            "\\b((?:batchwire|kafka|http_server|http_client|jvm|process|system|worker_pool|vertx)_[a-zA-Z0-9_]+)");

    @Test
    void everyMetricOfTheDashboardAndTheAlertsIsInARealScrape() throws Exception {
        Api api = Api.newTenant();
        String id = api.submit("company", List.of(Map.of("domain", "ok-metrics.com"), Map.of("domain", "limited-1-metrics-"
                + System.nanoTime() + ".com")));
        api.awaitFinal(id, Duration.ofSeconds(60));
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        String jobs = ConfigProvider.getConfig().getValue("batchwire.topics.jobs", String.class);
        try (var producer = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(jobs, "metrics-test", "{not json")).get();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> scrape().contains("batchwire_dead_letters_total"));
        await().atMost(Duration.ofSeconds(60)).until(() -> scrape().contains("batchwire_deliveries_attempt_seconds_count"));

        String scrape = scrape();
        Files.writeString(Path.of("target", "metrics-scrape.txt"), scrape);
        Set<String> exposed = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                exposed.add(line.split("[{ ]", 2)[0]);
            }
        }

        Path monitoring = Path.of("deploy", "monitoring");
        Set<String> used = new TreeSet<>();
        used.addAll(names(Files.readString(monitoring.resolve("grafana-dashboard.json"))));
        used.addAll(names(Files.readString(monitoring.resolve("prometheus-rules.yaml"))));
        assertThat(used).as("metrics the dashboard and alerts query").hasSizeGreaterThan(8);
        assertThat(used).as("queried but not in /q/metrics (see target/metrics-scrape.txt)").isSubsetOf(exposed);
    }

    private static Set<String> names(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static String scrape() {
        return given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
