package io.batchwire.job;

import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.batchwire.testing.FakeUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Jobs over the plan's concurrent-jobs limit wait as {@code queued} and start as slots free; a 429 comes only at the
 * queued-record limit, with a Retry-After that matches the measured drain. The fake upstream answers
 * {@code delay-MS-*} records after MS ms; the test profile's company upstream makes 8 calls at once.
 */
@QuarkusTest
class QueuedJobsTest {

    private static List<Map<String, Object>> records(int n, String kind) {
        String k = UUID.randomUUID().toString().substring(0, 8);
        return Api.records(n, i -> Map.of("domain", kind + "-" + k + "-" + i));
    }

    @Test
    void queuedJobsStartAsSlotsFreeInSubmitOrderAndFinishWithExactCounts() {
        Db.plan("t-q-two", 1000, 2, 100_000, 86_400, 3600);
        Api api = new Api(Db.newTenant("t-q-two"));
        List<String> ids = new ArrayList<>();
        List<String> states = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            // every third record fails (404), so the counts are a mix
            String k = UUID.randomUUID().toString().substring(0, 8);
            Response r = api.req().body(Map.of("type", "company", "records", Api.records(20, n ->
                    Map.of("domain", (n % 3 == 0 ? "missing-" : "delay-150-") + k + "-" + n)))).post("/v1/jobs");
            r.then().statusCode(202);
            ids.add(r.path("id"));
            states.add(r.path("state"));
            if ("queued".equals(r.path("state"))) {
                assertThat(r.jsonPath().getLong("estimated_completion_seconds")).as("job " + i).isPositive();
            }
        }
        assertThat(states.subList(0, 2)).containsOnly("accepted");
        assertThat(states.subList(2, 6)).containsOnly("queued");

        List<OffsetDateTime> started = new ArrayList<>();
        for (String id : ids) {
            JsonPath j = api.awaitFinal(id, Duration.ofSeconds(60));
            assertThat(j.getString("state")).isEqualTo("completed");
            assertThat(j.getInt("counts.succeeded")).isEqualTo(13);
            assertThat(j.getInt("counts.failed")).isEqualTo(7);
            assertThat(j.getInt("counts.pending")).isZero();
            assertThat(j.getInt("total_records")).isEqualTo(20);
            started.add(OffsetDateTime.parse(j.getString("started_at")));
        }
        for (int i = 3; i < 6; i++) {
            assertThat(started.get(i)).as("queued job " + i + " started after queued job " + (i - 1)).isAfter(started.get(i - 1));
        }
        assertThat(Db.mostRunningAtOnce(api.tenant().id(), 3600)).isEqualTo(2);
        assertThat(Db.count("SELECT count(*) FROM job_records r JOIN jobs j ON j.id = r.job_id WHERE j.tenant_id = ?"
                + " AND r.status = 'pending'", api.tenant().id())).isZero();
    }

    @Test
    void aQueuedJobCanBeCancelledAndNeverCallsTheUpstream() {
        Db.plan("t-q-one", 1000, 1, 100_000, 86_400, null);
        Api api = new Api(Db.newTenant("t-q-one"));
        String running = api.submit("company", records(8, "delay-2000"));
        String k = UUID.randomUUID().toString().substring(0, 8);
        String queued = api.req().body(Map.of("type", "company", "records", Api.records(5, i -> Map.of("domain", "ok-" + k + "-" + i))))
                .post("/v1/jobs").then().statusCode(202).body("state", equalTo("queued")).extract().path("id");
        String behind = api.req().body(Map.of("type", "company", "records", records(3, "ok")))
                .post("/v1/jobs").then().statusCode(202).body("state", equalTo("queued")).extract().path("id");

        api.req().post("/v1/jobs/" + queued + "/cancel").then().statusCode(200)
                .body("state", equalTo("cancelled"))
                .body("counts.cancelled", equalTo(5))
                .body("counts.pending", equalTo(0))
                .body("estimated_completion_seconds", equalTo(0));
        api.req().post("/v1/jobs/" + queued + "/cancel").then().statusCode(409);
        // cancelling a queued job frees no slot: the one behind it still waits for the running job
        assertThat(api.job(behind).getString("state")).isEqualTo("queued");
        assertThat(api.job(running).getString("state")).isIn("accepted", "processing");

        assertThat(api.awaitFinal(behind, Duration.ofSeconds(30)).getInt("counts.succeeded")).isEqualTo(3);
        assertThat(api.job(running).getString("state")).isEqualTo("completed");
        for (int i = 0; i < 5; i++) {
            assertThat(FakeUpstream.get().requests("ok-" + k + "-" + i)).as("cancelled while queued: never called").isEmpty();
        }
        assertThat(api.job(queued).getString("state")).isEqualTo("cancelled");
    }

    @Test
    void aQueuedJobsTimeLimitStartsWhenItDoes() {
        Db.plan("t-q-limit", 1000, 1, 100_000, 86_400, null);
        Api api = new Api(Db.newTenant("t-q-limit"));
        // 16 records that each time out after ~1.6 s, 8 at a time: the job holds the only slot for over 3 s
        String first = api.submit("company", records(16, "delay-2000"));
        String waiting = api.req().body(Map.of("type", "company", "records", records(4, "ok"), "timeout_seconds", 2))
                .post("/v1/jobs").then().statusCode(202).body("state", equalTo("queued")).extract().path("id");
        JsonPath done = api.awaitFinal(waiting, Duration.ofSeconds(30));
        assertThat(api.job(first).getString("state")).isEqualTo("completed");
        assertThat(done.getString("state")).isEqualTo("completed");
        assertThat(done.getInt("counts.succeeded")).as("it waited longer than its time limit, yet ran in full").isEqualTo(4);
        assertThat(Duration.between(OffsetDateTime.parse(done.getString("created_at")),
                OffsetDateTime.parse(done.getString("finished_at")))).isGreaterThan(Duration.ofSeconds(2));
    }

    @Test
    void retryAfterMatchesTheTimeUntilTheRefusedJobIsAdmitted() {
        // 8 calls at once of 200 ms each: the tenant drains about 40 records a second, deterministically
        Db.plan("t-q-drain", 1000, 10, 400, 86_400, null);
        Api api = new Api(Db.newTenant("t-q-drain"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(api.submit("company", records(100, "delay-200")));
        }
        // a second and a half of draining measured
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> Db.count("SELECT coalesce(sum(succeeded), 0) FROM jobs WHERE tenant_id = ?", api.tenant().id()) >= 60);

        Map<String, Object> big = Map.of("type", "company", "records", records(200, "delay-200"));
        Response refused = api.req().body(big).post("/v1/jobs");
        long refusedAt = System.nanoTime();
        refused.then().statusCode(429).body("extensions.limit", equalTo("queued_records"));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(refused.jsonPath().getDouble("extensions.drain_rate_per_second")).as("the measured rate")
                .isBetween(20.0, 80.0);

        // a client that tries again and again: when is it admitted?
        Response[] admitted = new Response[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Response r = api.req().body(big).post("/v1/jobs");
            if (r.statusCode() == 202) {
                admitted[0] = r;
                return true;
            }
            assertThat(r.statusCode()).isEqualTo(429);
            return false;
        });
        double actual = (System.nanoTime() - refusedAt) / 1e9;
        assertThat((double) retryAfter).as("Retry-After %d s against %.1f s until admitted", retryAfter, actual)
                .isBetween(actual / 2, actual * 2);
        assertThat(actual).as("long enough to tell an honest Retry-After from a floor of 1 s").isGreaterThan(2.0);

        ids.add(admitted[0].path("id"));
        for (String id : ids) {
            assertThat(api.awaitFinal(id, Duration.ofSeconds(60)).getString("state")).isEqualTo("completed");
        }
    }
}
