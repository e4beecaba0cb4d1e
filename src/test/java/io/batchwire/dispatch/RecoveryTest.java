package io.batchwire.dispatch;

import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.batchwire.testing.FakeUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Crash windows, simulated in the store, and duplicates on the status topic. */
@QuarkusTest
class RecoveryTest {

    @Test
    void jobStoredButNeverPublishedIsProcessedByTheSweep() {
        Api api = Api.newTenant();
        String k = UUID.randomUUID().toString().substring(0, 8);
        UUID id = releaseToSweep(strandedJob(api, "company", 5, i -> "ok-stranded-" + k + "-" + i));

        JsonPath job = api.awaitFinal(id.toString(), Duration.ofSeconds(60));
        assertThat(job.getString("state")).isEqualTo("completed");
        assertThat(job.getInt("counts.succeeded")).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            assertThat(FakeUpstream.get().requests("ok-stranded-" + k + "-" + i)).hasSize(1);
        }
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE id = ? AND dispatched_at IS NOT NULL", id)).isOne();
    }

    @Test
    void recordsWithStoredOutcomesAreNeverSentAgain() {
        Api api = Api.newTenant();
        String k = UUID.randomUUID().toString().substring(0, 8);
        UUID id = strandedJob(api, "company", 10, i -> "ok-resume-" + k + "-" + i);
        // as if a previous run had stored the outcomes of records 0..3 before the process died
        Db.exec("""
                UPDATE job_records SET status = 'succeeded', status_code = 200, attempts = 1, completed_at = now(),
                    seq = idx + 1, result = '{"earlier": true}' WHERE job_id = ? AND idx < 4""", id);
        Db.exec("UPDATE jobs SET succeeded = 4, result_seq = 4, state = 'processing', started_at = now() WHERE id = ?", id);
        releaseToSweep(id);

        JsonPath job = api.awaitFinal(id.toString(), Duration.ofSeconds(60));
        assertThat(job.getString("state")).isEqualTo("completed");
        assertThat(job.getInt("counts.succeeded")).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
            assertThat(FakeUpstream.get().requests("ok-resume-" + k + "-" + i)).hasSize(i < 4 ? 0 : 1);
        }
        api.req().get("/v1/jobs/" + id + "/results/2").then().statusCode(200)
                .body("result.earlier", org.hamcrest.Matchers.equalTo(true));
    }

    @Test
    void jobWhoseUpstreamIsGoneFailsAsAWholeWithExactCounts() {
        Api api = Api.newTenant();
        UUID id = releaseToSweep(strandedJob(api, "retired-type", 3, i -> "x" + i));

        JsonPath job = api.awaitFinal(id.toString(), Duration.ofSeconds(60));
        assertThat(job.getString("state")).isEqualTo("failed");
        assertThat(job.getInt("counts.failed")).isEqualTo(3);
        assertThat(job.getInt("counts.pending")).isZero();
        assertThat(job.getString("error")).contains("retired-type");
        api.req().get("/v1/jobs/" + id + "/results/0").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("failed"))
                .body("error.code", org.hamcrest.Matchers.equalTo("unknown_upstream"));
    }

    @Test
    void duplicatedStatusMessagesChangeNothing() throws Exception {
        Api api = Api.newTenant();
        String k = UUID.randomUUID().toString().substring(0, 8);
        String id = api.submit("company", List.of(Map.of("domain", "ok-dup-" + k), Map.of("domain", "missing-dup-" + k)));
        JsonPath before = api.awaitFinal(id, Duration.ofSeconds(30));
        assertThat(before.getInt("counts.succeeded")).isOne();
        assertThat(before.getInt("counts.failed")).isOne();

        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        String topic = ConfigProvider.getConfig().getValue("batchwire.topics.record-results", String.class);
        RecordMetadata last;
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            // a late duplicate that disagrees with the stored outcome, and an exact copy of one, as single outcomes
            // (what replicas before batching wrote) and as a batch
            producer.send(new ProducerRecord<>(topic, id, outcome(id, 0, "failed", 500))).get();
            producer.send(new ProducerRecord<>(topic, id, outcome(id, 1, "succeeded", 200))).get();
            producer.send(new ProducerRecord<>(topic, id, "[" + outcome(id, 0, "failed", 503) + ","
                    + outcome(id, 1, "succeeded", 201) + "]")).get();
            last = producer.send(new ProducerRecord<>(topic, id, outcome(id, 1, "failed", 404))).get();
        }
        // wait until the status consumer has read (and committed) past the duplicates
        TopicPartition tp = new TopicPartition(last.topic(), last.partition());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("batchwire-status")
                        .partitionsToOffsetAndMetadata().get();
                OffsetAndMetadata o = offsets.get(tp);
                return o != null && o.offset() > last.offset();
            });
        }
        JsonPath after = api.job(id);
        assertThat(after.getInt("counts.succeeded")).isOne();
        assertThat(after.getInt("counts.failed")).isOne();
        assertThat(after.getString("state")).isEqualTo("completed");
        assertThat(after.getString("finished_at")).isEqualTo(before.getString("finished_at"));
        api.req().get("/v1/jobs/" + id + "/results/0").then().body("status", org.hamcrest.Matchers.equalTo("succeeded"));
        api.req().get("/v1/jobs/" + id + "/results/1").then().body("status", org.hamcrest.Matchers.equalTo("failed"))
                .body("status_code", org.hamcrest.Matchers.equalTo(404));
    }

    private static String outcome(String jobId, int index, String status, int code) {
        return "{\"job_id\":\"" + jobId + "\",\"index\":" + index + ",\"status\":\"" + status + "\",\"status_code\":" + code
                + ",\"attempts\":1,\"started_at\":\"2026-01-01T00:00:00Z\",\"duration_ms\":5,\"result\":{\"dup\":true},\"error\":null}";
    }

    /**
     * A job as a crash right after the submit transaction leaves it: stored, accepted, not on Kafka. It is written
     * row by row, so it holds a publish lease (as a submitting replica does) that keeps the sweep away until the test
     * has finished setting it up and calls {@link #releaseToSweep}; without it the sweep could publish a half-made job.
     */
    private static UUID strandedJob(Api api, String type, int n, java.util.function.IntFunction<String> domain) {
        UUID id = UUID.randomUUID();
        Db.exec("""
                INSERT INTO jobs (id, tenant_id, type, state, total_records, created_at, dispatch_claimed_until)
                VALUES (?, ?, ?, 'accepted', ?, now() - interval '1 minute', now() + interval '1 hour')""",
                id, api.tenant().id(), type, n);
        for (int i = 0; i < n; i++) {
            Db.exec("INSERT INTO job_records (job_id, idx, input) VALUES (?, ?, ?::jsonb)", id, i,
                    "{\"domain\":\"" + domain.apply(i) + "\"}");
        }
        return id;
    }

    /** The publish never happened and its lease ran out: the sweep may take the job now. */
    private static UUID releaseToSweep(UUID id) {
        Db.exec("UPDATE jobs SET dispatch_claimed_until = NULL WHERE id = ?", id);
        return id;
    }
}
