package io.batchwire.job;

import io.batchwire.testing.Api;
import io.batchwire.testing.FakeUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
class JobPipelineTest {

    @Test
    void thousandRecordJobCompletesWithEveryOutcomeStoredUnderTheConcurrencyLimit() {
        Api api = Api.newTenant();
        String run = UUID.randomUUID().toString().substring(0, 8);
        var records = Api.records(1000, i -> Map.of("custom_id", "c" + i, "domain", "ok-" + run + "-" + i + ".com"));
        // Measure this job's calls alone. A call an earlier test left running is counted by the fake until it sees the
        // client's connection close, which can come after the client timed out, freed the permit and sent the next
        // call; that lag is the fake's, not the limiter's.
        await().atMost(Duration.ofSeconds(10)).until(() -> FakeUpstream.get().inFlight("/companies") == 0);
        FakeUpstream.get().resetMaxInFlight("/companies");

        var submitted = api.req().body(Map.of("type", "company", "records", records, "metadata", Map.of("batch", "nightly")))
                .post("/v1/jobs")
                .then().statusCode(202)
                .body("state", equalTo("accepted"))
                .body("total_records", equalTo(1000))
                .body("counts.pending", equalTo(1000))
                .body("metadata.batch", equalTo("nightly"))
                .extract();
        String id = submitted.path("id");
        assertThat(submitted.header("Location")).endsWith("/v1/jobs/" + id);

        JsonPath done = api.awaitFinal(id, Duration.ofSeconds(90));
        assertThat(done.getString("state")).isEqualTo("completed");
        assertThat(done.getInt("counts.succeeded")).isEqualTo(1000);
        assertThat(done.getInt("counts.failed") + done.getInt("counts.timed_out") + done.getInt("counts.cancelled")).isZero();
        assertThat(done.getInt("counts.pending")).isZero();
        assertThat(done.getDouble("progress")).isEqualTo(100.0);
        assertThat(done.getString("started_at")).isNotNull();
        assertThat(done.getString("finished_at")).isNotNull();
        assertThat(done.getLong("duration_ms")).isNotNegative();
        assertThat(done.getLong("estimated_completion_seconds")).isZero();
        assertThat(done.getString("results_link")).isEqualTo("http://localhost:" + io.restassured.RestAssured.port + "/v1/jobs/" + id + "/results");

        List<Map<String, Object>> all = api.allResults(id, "?limit=250");
        assertThat(all).hasSize(1000);
        assertThat(all.stream().map(r -> (Integer) r.get("index")).collect(Collectors.toSet())).hasSize(1000);
        for (Map<String, Object> r : all) {
            int index = (Integer) r.get("index");
            assertThat(r.get("status")).isEqualTo("succeeded");
            assertThat(r.get("custom_id")).isEqualTo("c" + index);
            assertThat(r.get("status_code")).isEqualTo(200);
            assertThat(r.get("attempts")).isEqualTo(1);
            assertThat(((Map<?, ?>) r.get("result")).get("key")).isEqualTo("ok-" + run + "-" + index + ".com");
        }
        // every record was sent exactly once
        for (int i = 0; i < 1000; i += 97) {
            assertThat(FakeUpstream.get().requests("ok-" + run + "-" + i + ".com")).hasSize(1);
        }
        // the limit (8 in tests) is never exceeded, and it is used
        assertThat(FakeUpstream.get().maxInFlight("/companies")).isBetween(2, 8);
    }

    @Test
    void anOutcomeOverOneMegabyteStillReachesTheStatusStore() {
        // 600,000 quote characters, not JSON: stored as a string, the outcome is 1.2 MB on the status topic, over
        // Kafka's default message limit; the batch with it must neither fail nor hold back the small outcome
        Api api = Api.newTenant();
        String id = bigAndSmall(api, "text-600000", 2, 0);
        String big = api.req().get("/v1/jobs/" + id + "/results/0").then().statusCode(200)
                .extract().jsonPath().getString("result");
        // the whole body, as text: a body that merely starts with a JSON value ("") is not taken for that value
        assertThat(big).hasSize(600_000);
        assertThat(big.chars().allMatch(c -> c == '"')).isTrue();
    }

    @Test
    void anOutcomeTooLargeForTheStatusTopicIsStoredAsFailedAndTheRestGoesOn() {
        // 800,000 control characters: within the 1 MiB response limit, 4.8 MB once escaped as a JSON string
        Api api = Api.newTenant();
        String id = bigAndSmall(api, "ctrl-800000", 1, 1);
        api.req().get("/v1/jobs/" + id + "/results/0").then().statusCode(200)
                .body("status", equalTo("failed"))
                .body("status_code", equalTo(200))
                .body("error.code", equalTo("response_too_large"));
        // the dispatcher is still running: a later job completes
        String next = api.submit("company", List.of(Map.of("domain", "ok-after-huge-" + UUID.randomUUID() + ".com")));
        assertThat(api.awaitFinal(next, Duration.ofSeconds(60)).getInt("counts.succeeded")).isOne();
    }

    /** Runs a job of the large answer {@code bigDomain} and an ordinary record to its end; checks its counts. */
    private static String bigAndSmall(Api api, String bigDomain, int succeeded, int failed) {
        String id = api.submit("company", List.of(Map.of("domain", bigDomain),
                Map.of("domain", "ok-small-" + UUID.randomUUID() + ".com")));
        JsonPath done = api.awaitFinal(id, Duration.ofSeconds(60));
        assertThat(done.getString("state")).isEqualTo("completed");
        assertThat(done.getInt("counts.succeeded")).isEqualTo(succeeded);
        assertThat(done.getInt("counts.failed")).isEqualTo(failed);
        return id;
    }

    @Test
    void oneRecordByIndexOrCustomId() {
        Api api = Api.newTenant();
        String id = api.submit("company", List.of(Map.of("domain", "ok-one-a.com"),
                Map.of("custom_id", "beta", "domain", "ok-one-b.com")));
        api.awaitFinal(id, Duration.ofSeconds(30));

        api.req().get("/v1/jobs/" + id + "/results/0").then().statusCode(200)
                .body("index", equalTo(0)).body("result.key", equalTo("ok-one-a.com"))
                .body("completed_at", notNullValue()).body("duration_ms", notNullValue());
        api.req().get("/v1/jobs/" + id + "/results/beta").then().statusCode(200)
                .body("index", equalTo(1)).body("custom_id", equalTo("beta"));
        api.req().get("/v1/jobs/" + id + "/results/7").then().statusCode(404)
                .contentType("application/problem+json");
        api.req().get("/v1/jobs/" + id + "/results/nope").then().statusCode(404);
    }

    @Test
    void peopleEmailAndHttpUpstreamsReceiveTheRecordAsTheirTypeSays() {
        Api api = Api.newTenant();
        String people = api.submit("people", List.of(Map.of("email", "ada@example.com")));
        String email = api.submit("email", List.of(Map.of("custom_id", "x", "email", "grace@example.com")));
        int port = FakeUpstream.get().port();
        String http = api.submit("http", List.of(
                Map.of("url", "http://127.0.0.1:" + port + "/anything/get-one", "headers", Map.of("X-Test", "yes")),
                Map.of("url", "http://127.0.0.1:" + port + "/anything/post-one", "method", "POST", "body", Map.of("a", 1))));

        assertThat(api.awaitFinal(people, Duration.ofSeconds(30)).getInt("counts.succeeded")).isEqualTo(1);
        assertThat(api.awaitFinal(email, Duration.ofSeconds(30)).getInt("counts.succeeded")).isEqualTo(1);
        assertThat(api.awaitFinal(http, Duration.ofSeconds(30)).getInt("counts.succeeded")).isEqualTo(2);

        api.req().get("/v1/jobs/" + people + "/results/0").then().body("result.key", equalTo("ada@example.com"));
        // POST template: the record minus custom_id is the JSON body
        api.req().get("/v1/jobs/" + email + "/results/x").then()
                .body("result.method", equalTo("POST"))
                .body("result.body", equalTo("{\"email\":\"grace@example.com\"}"));
        api.req().get("/v1/jobs/" + http + "/results/0").then()
                .body("result.method", equalTo("GET")).body("result.x_test", equalTo("yes"));
        api.req().get("/v1/jobs/" + http + "/results/1").then()
                .body("result.method", equalTo("POST")).body("result.body", equalTo("{\"a\":1}"));
    }

    @Test
    void jobsAreListedNewestFirstWithCursors() {
        Api api = Api.newTenant();
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(api.submit("company", List.of(Map.of("domain", "ok-list-" + i + ".com"))));
        }
        JsonPath first = api.req().queryParam("limit", 3).get("/v1/jobs").then().statusCode(200).extract().jsonPath();
        assertThat(first.getList("items.id")).containsExactly(ids.get(4), ids.get(3), ids.get(2));
        assertThat(first.getBoolean("has_more")).isTrue();
        JsonPath second = api.req().queryParam("limit", 3).queryParam("cursor", first.getString("cursor_next"))
                .get("/v1/jobs").then().statusCode(200).extract().jsonPath();
        assertThat(second.getList("items.id")).containsExactly(ids.get(1), ids.get(0));
        assertThat(second.getBoolean("has_more")).isFalse();

        ids.forEach(id -> api.awaitFinal(id, Duration.ofSeconds(30)));
        Set<Object> completed = Set.copyOf(api.req().queryParam("state", "completed").get("/v1/jobs")
                .then().statusCode(200).extract().jsonPath().getList("items.id"));
        assertThat(completed).containsExactlyInAnyOrderElementsOf(ids);
        api.req().queryParam("state", "processing").get("/v1/jobs").then().statusCode(200).body("items.size()", equalTo(0));
    }
}
