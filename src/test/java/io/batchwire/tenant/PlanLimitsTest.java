package io.batchwire.tenant;

import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
class PlanLimitsTest {

    /** Records that keep a job running for a while (the fake upstream answers after 2 s). */
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
    void overConcurrentJobsIs429WithRetryAfterAndUsage() {
        Db.plan("t-two-jobs", 1000, 2, 100_000, 86_400, null);
        Api api = new Api(Db.newTenant("t-two-jobs"));
        String first = api.submit("company", slow(2));
        api.submit("company", slow(2));

        Response r = api.req().body(Map.of("type", "company", "records", slow(1))).post("/v1/jobs");
        r.then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("type", equalTo("https://batchwire.dev/problems/limit-exceeded"))
                .body("extensions.limit", equalTo("concurrent_jobs"))
                .body("extensions.maximum", equalTo(2))
                .body("extensions.current", equalTo(2));
        assertThat(Integer.parseInt(r.header("Retry-After"))).isBetween(1, 3600);
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isEqualTo(2);

        // a slot frees when a job ends
        api.req().post("/v1/jobs/" + first + "/cancel").then().statusCode(200);
        api.submit("company", slow(1));
    }

    @Test
    void overQueuedRecordsIs429() {
        Db.plan("t-ten-queued", 1000, 10, 10, 86_400, null);
        Api api = new Api(Db.newTenant("t-ten-queued"));
        api.submit("company", slow(6));
        api.req().body(Map.of("type", "company", "records", slow(5))).post("/v1/jobs").then()
                .statusCode(429)
                .header("Retry-After", notNullValue())
                .body("extensions.limit", equalTo("queued_records"))
                .body("extensions.maximum", equalTo(10))
                .body("extensions.current", equalTo(6))
                .body("detail", containsString("this job adds 5"));
        api.submit("company", slow(4));
    }

    @Test
    void concurrentSubmitsCannotExceedTheLimit() throws Exception {
        Db.plan("t-three-jobs", 1000, 3, 100_000, 86_400, null);
        Api api = new Api(Db.newTenant("t-three-jobs"));
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Callable<Integer> submit = () -> api.req().body(Map.of("type", "company", "records", slow(1)))
                        .post("/v1/jobs").statusCode();
                answers.add(pool.submit(submit));
            }
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> f : answers) {
                codes.add(f.get());
            }
            assertThat(codes).filteredOn(c -> c == 202).hasSize(3);
            assertThat(codes).filteredOn(c -> c == 429).hasSize(9);
        } finally {
            pool.shutdownNow();
        }
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isEqualTo(3);
    }
}
