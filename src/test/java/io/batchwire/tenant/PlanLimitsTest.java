package io.batchwire.tenant;

import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/**
 * The plan's limits as a client meets them. The concurrent-jobs limit bounds running jobs: a job over it is accepted
 * (202) as {@code queued} (it used to be refused with 429; the contract changed, issue 14). Only the queued-record
 * limit refuses (429, with an honest Retry-After: {@code job.QueuedJobsTest}), and credits (402: {@code CreditsTest}).
 */
@QuarkusTest
class PlanLimitsTest {

    /** Records that keep a job running for a while (the fake upstream answers after 2 s; each times out after ~1.6 s). */
    private static List<Map<String, Object>> slow(int n) {
        String k = UUID.randomUUID().toString().substring(0, 8);
        return Api.records(n, i -> Map.of("domain", "delay-2000-" + k + "-" + i));
    }

    @Test
    void overThePlansRecordLimitIs413NamingIt() {
        Api api = new Api(Db.newTenant("free"));
        api.req().body(Map.of("type", "company", "records", Api.records(51, i -> Map.of("domain", "ok-free.com"))))
                .post("/v1/jobs").then().statusCode(413).contentType("application/problem+json")
                .body("type", equalTo("https://batchwire.dev/problems/too-many-records"))
                .body("detail", containsString("plan 'free' allows at most 50 records"))
                .body("extensions.limit", equalTo(50))
                .body("extensions.plan", equalTo("free"));
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isZero();
        api.submit("company", Api.records(50, i -> Map.of("domain", "ok-free-" + i + ".com")));
    }

    @Test
    void overConcurrentJobsTheJobIsAcceptedAsQueuedAndStartsWhenASlotFrees() {
        Db.plan("t-two-jobs", 1000, 2, 100_000, 86_400, null);
        Api api = new Api(Db.newTenant("t-two-jobs"));
        String first = api.submit("company", slow(2));
        api.submit("company", slow(2));

        Response r = api.req().body(Map.of("type", "company", "records", slow(1))).post("/v1/jobs");
        r.then().statusCode(202)
                .header("Location", notNullValue())
                .header("RateLimit-Policy", "\"queued-records\";q=100000")
                .header("RateLimit", "\"queued-records\";r=" + (100_000 - 5))
                .body("state", equalTo("queued"))
                .body("started_at", equalTo(null))
                .body("estimated_completion_seconds", notNullValue());
        String third = r.path("id");
        assertThat(r.jsonPath().getLong("estimated_completion_seconds")).isPositive();
        JsonPath waiting = api.job(third);
        assertThat(waiting.getString("state")).isEqualTo("queued");
        assertThat(waiting.getLong("estimated_completion_seconds")).as("a queued job's estimate is never null").isPositive();
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isEqualTo(3);
        assertThat(api.req().queryParam("state", "queued").get("/v1/jobs").then().statusCode(200).extract().jsonPath()
                .getList("items.id")).containsExactly(third);

        // a slot frees when a job ends, and the queued job takes it at once
        api.req().post("/v1/jobs/" + first + "/cancel").then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> !api.job(third).getString("state").equals("queued"));
        JsonPath done = api.awaitFinal(third, Duration.ofSeconds(30));
        assertThat(done.getString("state")).isEqualTo("completed");
        assertThat(done.getInt("counts.timed_out")).isEqualTo(1);
    }

    @Test
    void overQueuedRecordsIs429() {
        Db.plan("t-ten-queued", 1000, 10, 10, 86_400, null);
        Api api = new Api(Db.newTenant("t-ten-queued"));
        api.submit("company", slow(6));
        Response r = api.req().body(Map.of("type", "company", "records", slow(5))).post("/v1/jobs");
        r.then()
                .statusCode(429)
                .header("Retry-After", notNullValue())
                .header("RateLimit-Policy", "\"queued-records\";q=10")
                .body("extensions.limit", equalTo("queued_records"))
                .body("extensions.maximum", equalTo(10))
                .body("extensions.current", equalTo(6))
                .body("extensions.records_to_drain", equalTo(1))
                .body("detail", containsString("this job adds 5"));
        long retryAfter = Long.parseLong(r.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(r.header("RateLimit")).isEqualTo("\"queued-records\";r=4;t=" + retryAfter);
        assertThat(r.jsonPath().getLong("extensions.retry_after_seconds")).isEqualTo(retryAfter);
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isEqualTo(1);
        api.submit("company", slow(4));
    }

    @Test
    void concurrentSubmitsAreAllAcceptedAndNeverRunMoreThanTheLimit() throws Exception {
        // a default time limit, so the store keeps when each job took its slot (deadline_at - 3600 s)
        Db.plan("t-three-jobs", 1000, 3, 100_000, 86_400, 3600);
        Api api = new Api(Db.newTenant("t-three-jobs"));
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<String> ids = new ArrayList<>();
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Callable<Response> submit = () -> api.req().body(Map.of("type", "company", "records", slow(1))).post("/v1/jobs");
                answers.add(pool.submit(submit));
            }
            List<String> states = new ArrayList<>();
            for (Future<Response> f : answers) {
                Response r = f.get();
                assertThat(r.statusCode()).isEqualTo(202);
                states.add(r.path("state"));
                ids.add(r.path("id"));
            }
            assertThat(states).filteredOn("accepted"::equals).hasSize(3);
            assertThat(states).filteredOn("queued"::equals).hasSize(9);
        } finally {
            pool.shutdownNow();
        }
        long[] most = {0};
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            most[0] = Math.max(most[0], Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ? AND state IN ('accepted', 'processing')",
                    api.tenant().id()));
            return Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ? AND finished_at IS NULL", api.tenant().id()) == 0;
        });
        assertThat(most[0]).as("running jobs seen at once").isEqualTo(3);
        assertThat(Db.mostRunningAtOnce(api.tenant().id(), 3600)).as("jobs that held a slot at once, from the store").isEqualTo(3);
        for (String id : ids) {
            JsonPath j = api.job(id);
            assertThat(j.getString("state")).isEqualTo("completed");
            assertThat(j.getInt("counts.timed_out")).isEqualTo(1);
        }
    }
}
