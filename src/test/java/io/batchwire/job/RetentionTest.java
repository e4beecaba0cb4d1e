package io.batchwire.job;

import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** Test settings: the sweep runs every second; whole jobs go 3 s after their bodies. */
@QuarkusTest
class RetentionTest {

    @Test
    void bodiesGoAfterThePlansRetentionThenTheWholeJob() {
        Db.plan("t-retain-1s", 1000, 20, 100_000, 1, null);
        Api api = new Api(Db.newTenant("t-retain-1s"));
        String id = api.submit("company", List.of(Map.of("custom_id", "a", "domain", "ok-retained.com")));
        api.awaitFinal(id, Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                api.req().get("/v1/jobs/" + id).then().statusCode(200).body("results_expired", equalTo(true)));
        api.req().get("/v1/jobs/" + id + "/results/a").then().statusCode(200)
                .body("status", equalTo("succeeded")).body("result", nullValue());

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                api.req().get("/v1/jobs/" + id).then().statusCode(410).contentType("application/problem+json")
                        .body("type", equalTo("https://batchwire.dev/problems/job-expired")));
        api.req().get("/v1/jobs/" + id + "/results").then().statusCode(410);
        assertThat(Db.count("SELECT count(*) FROM job_records WHERE job_id = ?::uuid", id)).isZero();
        // another tenant learns nothing: still 404
        Api.newTenant().req().get("/v1/jobs/" + id).then().statusCode(404);
    }

    @Test
    void jobsWithinRetentionStay() {
        Api api = Api.newTenant(); // growth: 30 days
        String id = api.submit("company", List.of(Map.of("domain", "ok-kept.com")));
        api.awaitFinal(id, Duration.ofSeconds(30));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                api.req().get("/v1/jobs/" + id).then().statusCode(200).body("results_expired", equalTo(false)));
    }
}
