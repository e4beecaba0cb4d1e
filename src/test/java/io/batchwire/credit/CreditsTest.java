package io.batchwire.credit;

import io.batchwire.job.JobStore;
import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
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

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * Credits on a metered plan: a submit is charged records x price (1 for every upstream in the test profile) in its own
 * transaction, 402 without enough, refunds for records that did not run, nothing on an idempotent replay, and no
 * overdraw under concurrent submits.
 */
@QuarkusTest
class CreditsTest {

    @Inject
    JobStore jobs;

    private static List<Map<String, Object>> records(int n, String kind) {
        String k = UUID.randomUUID().toString().substring(0, 8);
        return Api.records(n, i -> Map.of("domain", kind + "-" + k + "-" + i));
    }

    private static Api metered(String plan, int maxJobs) {
        Db.meteredPlan(plan, maxJobs);
        return new Api(Db.newTenant(plan));
    }

    @Test
    void aSubmitIsChargedAndTheLedgerShowsIt() {
        Api api = metered("t-cr-basic", 20);
        assertThat(api.grant(100)).isEqualTo(100);
        Response r = api.req().body(Map.of("type", "company", "records", records(10, "ok"))).post("/v1/jobs");
        r.then().statusCode(202).body("credits_charged", equalTo(10)).body("credits_refunded", equalTo(0));
        String id = r.path("id");

        JsonPath credits = api.req().get("/v1/credits").then().statusCode(200).extract().jsonPath();
        assertThat(credits.getLong("balance")).isEqualTo(90);
        assertThat(credits.getBoolean("metered")).isTrue();
        assertThat(credits.getString("plan")).isEqualTo("t-cr-basic");
        assertThat(credits.getList("items.kind")).containsExactly("charge", "grant");
        assertThat(credits.getList("items.amount", Long.class)).containsExactly(-10L, 100L);
        assertThat(credits.getString("items[0].job_id")).isEqualTo(id);
        assertThat(credits.getInt("items[0].records")).isEqualTo(10);

        JsonPath done = api.awaitFinal(id, Duration.ofSeconds(30));
        assertThat(done.getInt("counts.succeeded")).isEqualTo(10);
        assertThat(done.getLong("credits_charged")).isEqualTo(10);
        assertThat(done.getLong("credits_refunded")).as("everything ran").isZero();
        assertThat(api.balance()).isEqualTo(90);

        // the ledger pages newest first
        JsonPath first = api.req().queryParam("limit", 1).get("/v1/credits").then().statusCode(200).extract().jsonPath();
        assertThat(first.getList("items.kind")).containsExactly("charge");
        assertThat(first.getBoolean("has_more")).isTrue();
        JsonPath second = api.req().queryParam("limit", 1).queryParam("cursor", first.getString("cursor_next"))
                .get("/v1/credits").then().statusCode(200).extract().jsonPath();
        assertThat(second.getList("items.kind")).containsExactly("grant");
        assertThat(second.getBoolean("has_more")).isFalse();
    }

    @Test
    void withoutEnoughCreditsASubmitIs402AndNothingIsStored() {
        Api api = metered("t-cr-short", 20);
        api.grant(5);
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("type", "company", "records", records(10, "ok"));
        api.req().header("Idempotency-Key", key).body(body).post("/v1/jobs").then()
                .statusCode(402).contentType("application/problem+json")
                .body("type", equalTo("https://batchwire.dev/problems/insufficient-credits"))
                .body("detail", containsString("costs 10 credits"))
                .body("detail", containsString("the balance is 5"))
                .body("extensions.balance", equalTo(5))
                .body("extensions.cost", equalTo(10))
                .body("extensions.records", equalTo(10))
                .body("extensions.price", equalTo(1));
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isZero();
        assertThat(Db.count("SELECT count(*) FROM job_records r WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = r.job_id)"))
                .isZero();
        assertThat(Db.count("SELECT count(*) FROM idempotency_keys WHERE tenant_id = ?", api.tenant().id()))
                .as("a refused request keeps no key").isZero();
        assertThat(api.balance()).isEqualTo(5);

        // with enough credits the same request goes through, as a first request (not a replay)
        api.grant(5);
        api.req().header("Idempotency-Key", key).body(body).post("/v1/jobs").then().statusCode(202)
                .header("Idempotent-Replayed", (String) null).body("credits_charged", equalTo(10));
        assertThat(api.balance()).isZero();
    }

    @Test
    void anIdempotentReplayChargesNothing() {
        Api api = metered("t-cr-replay", 20);
        api.grant(50);
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("type", "company", "records", records(10, "ok"));
        String id = api.req().header("Idempotency-Key", key).body(body).post("/v1/jobs").then().statusCode(202)
                .extract().path("id");
        for (int i = 0; i < 3; i++) {
            api.req().header("Idempotency-Key", key).body(body).post("/v1/jobs").then().statusCode(202)
                    .header("Idempotent-Replayed", "true").body("id", equalTo(id)).body("credits_charged", equalTo(10));
        }
        assertThat(api.balance()).isEqualTo(40);
        assertThat(Db.count("SELECT count(*) FROM credit_entries WHERE tenant_id = ? AND kind = 'charge'", api.tenant().id()))
                .isEqualTo(1);
    }

    @Test
    void aCancelRefundsTheRecordsThatDidNotRun() {
        Api api = metered("t-cr-cancel", 20);
        api.grant(100);
        // 8 calls at once of 400 ms each: 80 records take ten rounds, so the cancel after the first round finds work
        // left even when this machine is slow to show the first outcomes
        String id = api.submit("company", records(80, "delay-400"));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> api.job(id).getInt("counts.succeeded") >= 8);
        JsonPath cancelled = api.req().post("/v1/jobs/" + id + "/cancel").then().statusCode(200).extract().jsonPath();
        int notRun = cancelled.getInt("counts.cancelled");
        assertThat(notRun).isBetween(1, 72);
        assertThat(cancelled.getLong("credits_charged")).isEqualTo(80);
        assertThat(cancelled.getLong("credits_refunded")).as("refunded in the transaction that cancelled it").isEqualTo(notRun);
        assertThat(api.balance()).isEqualTo(100 - 80 + notRun);
        JsonPath ledger = api.req().get("/v1/credits").then().statusCode(200).extract().jsonPath();
        assertThat(ledger.getString("items[0].kind")).isEqualTo("refund");
        assertThat(ledger.getInt("items[0].records")).isEqualTo(notRun);
        assertThat(ledger.getString("items[0].note")).contains(notRun + " cancelled");

        // a job cancelled while queued never ran: all of it comes back
        Api one = metered("t-cr-queued", 1);
        one.grant(20);
        one.submit("company", records(4, "delay-2000"));
        String queued = one.req().body(Map.of("type", "company", "records", records(6, "ok"))).post("/v1/jobs").then()
                .statusCode(202).body("state", equalTo("queued")).body("credits_charged", equalTo(6)).extract().path("id");
        assertThat(one.balance()).isEqualTo(10);
        one.req().post("/v1/jobs/" + queued + "/cancel").then().statusCode(200)
                .body("credits_charged", equalTo(6)).body("credits_refunded", equalTo(6));
        assertThat(one.balance()).isEqualTo(16);
    }

    @Test
    void recordsOfAJobThatFailedAsAWholeAreRefundedAndFailuresThatRanAreNot() {
        Api api = metered("t-cr-failed", 20);
        api.grant(100);
        // every fourth record fails at the upstream (404) after running; the rest would take 2 s each
        String k = UUID.randomUUID().toString().substring(0, 8);
        String id = api.submit("company", Api.records(12, i -> Map.of("domain", (i % 4 == 0 ? "missing-" : "delay-2000-") + k + "-" + i)));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> api.job(id).getInt("counts.failed") == 3);
        // as the dispatcher ends a job whose upstream is gone
        jobs.endEarly(UUID.fromString(id), null, JobStore.EarlyEnd.FAIL, "unknown_upstream", "no upstream")
                .await().atMost(Duration.ofSeconds(10));
        JsonPath failed = api.job(id);
        assertThat(failed.getString("state")).isEqualTo("failed");
        assertThat(failed.getInt("counts.failed")).isEqualTo(12);
        assertThat(failed.getLong("credits_refunded")).as("the 9 that never ran; not the 3 that ran and failed").isEqualTo(9);
        assertThat(api.balance()).isEqualTo(100 - 12 + 9);

        // a job that ends normally keeps its charge for records that ran and failed (refund-failed=false)
        String done = api.submit("company", records(5, "missing"));
        JsonPath completed = api.awaitFinal(done, Duration.ofSeconds(30));
        assertThat(completed.getInt("counts.failed")).isEqualTo(5);
        assertThat(completed.getLong("credits_refunded")).isZero();
    }

    @Test
    void twentyConcurrentSubmitsAgainstABalanceForFiveNeverOverdraw() throws Exception {
        Api api = metered("t-cr-race", 50);
        api.grant(50);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Integer> codes = new ArrayList<>();
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Callable<Integer> submit = () -> api.req().body(Map.of("type", "company", "records", records(10, "ok")))
                        .post("/v1/jobs").statusCode();
                answers.add(pool.submit(submit));
            }
            for (Future<Integer> f : answers) {
                codes.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(codes).filteredOn(c -> c == 202).hasSize(5);
        assertThat(codes).filteredOn(c -> c == 402).hasSize(15);
        assertThat(api.balance()).isZero();
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isEqualTo(5);
        assertThat(Db.count("SELECT count(*) FROM credit_entries WHERE tenant_id = ? AND kind = 'charge'", api.tenant().id()))
                .isEqualTo(5);
        assertThat(Db.count("SELECT min(s) FROM (SELECT sum(amount) OVER (ORDER BY id) AS s FROM credit_entries WHERE tenant_id = ?) x",
                api.tenant().id())).as("the balance never went below zero, entry by entry").isZero();
    }

    @Test
    void anUnmeteredPlanIsNeverCharged() {
        Api api = Api.newTenant();
        String id = api.submit("company", records(3, "ok"));
        api.req().get("/v1/jobs/" + id).then().statusCode(200).body("credits_charged", equalTo(0));
        api.req().get("/v1/credits").then().statusCode(200)
                .body("balance", equalTo(0)).body("metered", equalTo(false)).body("items", hasSize(0));
    }

    @Test
    void grantsAreForAdminsAndTheLedgerIsNeverChanged() {
        Api api = metered("t-cr-admin", 20);
        given().contentType("application/json").body(Map.of("amount", 10))
                .post("/admin/v1/tenants/" + api.tenant().id() + "/credits").then().statusCode(401);
        given().header("X-Admin-Key", Api.ADMIN_KEY).contentType("application/json").body(Map.of("amount", 0))
                .post("/admin/v1/tenants/" + api.tenant().id() + "/credits").then().statusCode(400).body("field", equalTo("amount"));
        given().header("X-Admin-Key", Api.ADMIN_KEY).contentType("application/json").body(Map.of("amount", 10))
                .post("/admin/v1/tenants/" + UUID.randomUUID() + "/credits").then().statusCode(404);
        given().header("X-Admin-Key", Api.ADMIN_KEY).contentType("application/json").body(Map.of("amount", 7, "note", "welcome"))
                .post("/admin/v1/tenants/" + api.tenant().id() + "/credits").then().statusCode(201)
                .body("balance", equalTo(7)).body("entry.kind", equalTo("grant")).body("entry.note", equalTo("welcome"));
        given().header("X-Admin-Key", Api.ADMIN_KEY).get("/admin/v1/tenants/" + api.tenant().id() + "/credits").then()
                .statusCode(200).body("balance", equalTo(7));
        assertThatThrownBy(() -> Db.exec("UPDATE credit_entries SET amount = 1000 WHERE tenant_id = ?", api.tenant().id()))
                .hasMessageContaining("ledger");
        assertThat(api.balance()).isEqualTo(7);
    }
}
