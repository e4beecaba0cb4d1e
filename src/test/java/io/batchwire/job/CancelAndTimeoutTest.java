package io.batchwire.job;

import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.batchwire.testing.FakeUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class CancelAndTimeoutTest {

    @Test
    void cancelStopsNewCallsKeepsFinishedOutcomesAndCountsExactly() {
        Api api = Api.newTenant();
        String k = UUID.randomUUID().toString().substring(0, 8);
        int n = 120;
        String id = api.submit("company", Api.records(n, i -> Map.of("domain", "delay-150-" + k + "-" + i)));
        await().atMost(Duration.ofSeconds(30)).until(() -> api.job(id).getInt("counts.succeeded") >= 10);

        JsonPath cancelled = api.req().post("/v1/jobs/" + id + "/cancel").then().statusCode(200)
                .body("state", equalTo("cancelled")).extract().jsonPath();
        int succeeded = cancelled.getInt("counts.succeeded");
        assertThat(succeeded).isGreaterThanOrEqualTo(10);
        assertThat(cancelled.getInt("counts.cancelled")).isEqualTo(n - succeeded);
        assertThat(cancelled.getInt("counts.pending")).isZero();
        assertThat(cancelled.getString("finished_at")).isNotNull();

        // calls already in flight may finish (at most the concurrency limit, 8); no new call starts
        long sentAtCancel = sent(k, n);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> sent(k, n) <= sentAtCancel + 8);

        JsonPath after = api.job(id);
        assertThat(after.getInt("counts.succeeded")).isEqualTo(succeeded);
        assertThat(after.getInt("counts.cancelled")).isEqualTo(n - succeeded);
        List<Map<String, Object>> results = api.allResults(id, "?limit=1000");
        assertThat(results).filteredOn(r -> r.get("status").equals("succeeded")).hasSize(succeeded);
        assertThat(results).filteredOn(r -> r.get("status").equals("cancelled")).hasSize(n - succeeded);

        api.req().post("/v1/jobs/" + id + "/cancel").then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("https://batchwire.dev/problems/job-already-finished"));
        Api.newTenant().req().post("/v1/jobs/" + id + "/cancel").then().statusCode(404);
    }

    @Test
    void cancellingAFinishedJobIs409() {
        Api api = Api.newTenant();
        String id = api.submit("company", List.of(Map.of("domain", "ok-cancel-late.com")));
        api.awaitFinal(id, Duration.ofSeconds(30));
        api.req().post("/v1/jobs/" + id + "/cancel").then().statusCode(409).body("extensions.state", equalTo("completed"));
    }

    @Test
    void recordsNotFinishedByTheTimeLimitTimeOutAndTheJobEnds() {
        Api api = Api.newTenant();
        String k = UUID.randomUUID().toString().substring(0, 8);
        // people: concurrency 4 in tests, so 60 records of 400 ms take about 6 s, well past the 2 s limit
        String id = api.req().body(Map.of("type", "people", "timeout_seconds", 2,
                        "records", Api.records(60, i -> Map.of("email", "delay-400-" + k + "-" + i))))
                .post("/v1/jobs").then().statusCode(202).body("timeout_seconds", equalTo(2)).extract().path("id");

        JsonPath job = api.awaitFinal(id, Duration.ofSeconds(30));
        assertThat(job.getString("state")).isEqualTo("completed");
        int timedOut = job.getInt("counts.timed_out");
        assertThat(timedOut).isPositive();
        assertThat(job.getInt("counts.succeeded") + timedOut).isEqualTo(60);
        assertThat(job.getString("error")).contains("time limit");
        List<Map<String, Object>> late = api.allResults(id, "?status_filter=timed_out&limit=100");
        assertThat(late).hasSize(timedOut);
        assertThat(late).allSatisfy(r -> assertThat(((Map<?, ?>) r.get("error")).get("code")).isEqualTo("job_timeout"));
    }

    @Test
    void thePlansDefaultTimeLimitApplies() {
        Db.plan("t-short-jobs", 1000, 20, 100_000, 86_400, 1);
        Api api = new Api(Db.newTenant("t-short-jobs"));
        String k = UUID.randomUUID().toString().substring(0, 8);
        String id = api.submit("company", Api.records(3, i -> Map.of("domain", "delay-4000-" + k + "-" + i)));
        assertThat(api.job(id).getInt("timeout_seconds")).isEqualTo(1);
        JsonPath job = api.awaitFinal(id, Duration.ofSeconds(30));
        assertThat(job.getInt("counts.timed_out")).isEqualTo(3);
    }

    @Test
    void badTimeLimitsAre400() {
        Api api = Api.newTenant();
        for (Object bad : List.of(0, -5, 10_000_000, "soon")) {
            api.req().body(Map.of("type", "company", "timeout_seconds", bad, "records", List.of(Map.of("domain", "a.com"))))
                    .post("/v1/jobs").then().statusCode(400).body("field", equalTo("timeout_seconds"));
        }
    }

    private static long sent(String k, int n) {
        return IntStream.range(0, n).mapToLong(i -> FakeUpstream.get().requests("delay-150-" + k + "-" + i).size()).sum();
    }
}
