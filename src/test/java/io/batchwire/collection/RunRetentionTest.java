package io.batchwire.collection;

import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.batchwire.collection.CollectionsApi.get;
import static io.batchwire.collection.CollectionsApi.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Runs keep response bodies 48 h and metadata 90 days after they finish (the defaults). The sweep runs every second in
 * tests; a run is made old by moving its finished_at back.
 */
@QuarkusTest
class RunRetentionTest {

    private static final String PROBLEM = "application/problem+json";

    private static void finishedAgo(String runId, String interval) {
        Db.exec("UPDATE jobs SET finished_at = now() - ?::interval WHERE id = ?::uuid", interval, runId);
    }

    @Test
    @SuppressWarnings("unchecked")
    void bodiesGoAfter48HoursWhileTheMetadataStaysListedThenTheRunGoesAfter90Days() {
        CollectionsApi c = CollectionsApi.newTenant();
        String ok = key("ok-");
        Map<String, Object> withHeaders = new java.util.HashMap<>(get("ok", ok));
        withHeaders.put("headers", Map.of("X-Test", "secret"));
        String cid = c.create("retained", List.of(withHeaders, get("missing", key("missing-"))));
        String old = c.start(cid);
        c.awaitEnd(cid, old, CollectionsApi.RUN_TIME);
        String fresh = c.start(cid);
        c.awaitEnd(cid, fresh, CollectionsApi.RUN_TIME);
        String base = "/v1/collections/" + cid + "/runs/" + old;
        c.api().req().get(base + "/jobs/ok/result").then().statusCode(200).body("result.key", equalTo(ok))
                .body("result.x_test", equalTo("secret"));

        finishedAgo(old, "47 hours");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                c.api().req().get(base + "/jobs/ok/result").then().statusCode(200).body("result.key", equalTo(ok)));

        finishedAgo(old, "49 hours");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                c.api().req().get(base + "/jobs/ok/result").then().statusCode(410).contentType(PROBLEM)
                        .body("type", equalTo("https://batchwire.dev/problems/response-body-expired"))
                        .body("detail", containsString("body retention"))
                        .body("detail", containsString(base + "/jobs")));
        c.api().req().get(base + "/jobs/0/result").then().statusCode(410);
        c.api().req().get(base + "/jobs/nobody/result").then().statusCode(404);
        c.api().req().get(base).then().statusCode(200).body("results_expired", equalTo(true))
                .body("status", equalTo("completed")).body("success_requests", equalTo(1));

        // the metadata is still listed: url, method, custom_id, status, status code, timings
        List<Map<String, Object>> listed = c.requests(cid, old, Map.of());
        assertThat(listed).extracting(m -> m.get("custom_id")).containsExactly("ok", "missing");
        assertThat(listed).extracting(m -> m.get("status")).containsExactly("completed", "failed");
        assertThat(listed).extracting(m -> m.get("status_code")).containsExactly(200, 404);
        assertThat(listed).extracting(m -> m.get("method")).containsExactly("GET", "GET");
        assertThat(listed.get(0).get("url")).isEqualTo(CollectionsApi.url(ok));
        assertThat(listed).allSatisfy(m -> assertThat(m.get("completed_at")).isNotNull());
        // the error keeps its code; its text quoted the response body, and went with it
        assertThat(((Map<String, Object>) listed.get(1).get("error")).keySet()).containsExactly("code");
        // nothing of the bodies is left: no response, no request headers or body
        assertThat(Db.count("SELECT count(*) FROM job_records WHERE job_id = ?::uuid "
                + "AND (result IS NOT NULL OR input - 'url' - 'method' <> '{}'::jsonb)", old)).isZero();

        // the other run of the same collection is untouched
        c.api().req().get("/v1/collections/" + cid + "/runs/" + fresh + "/jobs/ok/result").then().statusCode(200)
                .body("result.key", equalTo(ok));

        finishedAgo(old, "91 days");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                c.api().req().get(base).then().statusCode(410).contentType(PROBLEM)
                        .body("type", equalTo("https://batchwire.dev/problems/run-expired")));
        c.api().req().get(base + "/jobs").then().statusCode(410);
        c.api().req().get("/v1/jobs/" + old).then().statusCode(410);
        assertThat(Db.count("SELECT count(*) FROM job_records WHERE job_id = ?::uuid", old)).isZero();
        assertThat(Db.count("SELECT count(*) FROM job_records WHERE job_id = ?::uuid", fresh)).isEqualTo(2);
        c.api().req().get("/v1/collections/" + cid + "/runs").then().statusCode(200)
                .body("items.run_id", org.hamcrest.Matchers.contains(fresh));
        // another tenant learns nothing
        CollectionsApi.newTenant().api().req().get(base).then().statusCode(404);
    }

    @Test
    void runsFollowTheCollectionsRetentionNotThePlansAndPlainJobsTheirPlans() {
        // a plan that keeps job bodies 1 s: the run is not touched by it, the plain job is
        Db.plan("t-col-retain-1s", 1000, 20, 100_000, 1, null);
        CollectionsApi c = new CollectionsApi(new Api(Db.newTenant("t-col-retain-1s")));
        String cid = c.create("kept", List.of(get("ok", key("ok-"))));
        String run = c.start(cid);
        c.awaitEnd(cid, run, CollectionsApi.RUN_TIME);
        String job = c.api().submit("http", List.of(Map.of("url", CollectionsApi.url(key("ok-")))));
        c.api().awaitFinal(job, Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                c.api().req().get("/v1/jobs/" + job).then().statusCode(200).body("results_expired", equalTo(true)));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).untilAsserted(() ->
                c.api().req().get("/v1/collections/" + cid + "/runs/" + run + "/jobs/ok/result").then().statusCode(200));

        // and a plain job that finished 49 hours ago keeps its body under a plan that keeps it 30 days
        Api growth = Api.newTenant();
        String plain = growth.submit("http", List.of(Map.of("url", CollectionsApi.url(key("ok-")))));
        growth.awaitFinal(plain, Duration.ofSeconds(30));
        finishedAgo(plain, "49 hours");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).untilAsserted(() ->
                growth.req().get("/v1/jobs/" + plain).then().statusCode(200).body("results_expired", equalTo(false)));
    }
}
