package io.batchwire.job;

import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class IdempotencyTest {

    private static Map<String, Object> body(String domain) {
        return Map.of("type", "company", "records", List.of(Map.of("domain", domain)));
    }

    @Test
    void sameKeyAndBodyReplaysTheOriginalJob() {
        Api api = Api.newTenant();
        String key = UUID.randomUUID().toString();
        Response first = api.req().header("Idempotency-Key", key).body(body("ok-idem.com")).post("/v1/jobs");
        first.then().statusCode(202);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        String id = first.path("id");

        Response again = api.req().header("Idempotency-Key", key).body(body("ok-idem.com")).post("/v1/jobs");
        again.then().statusCode(202).header("Idempotent-Replayed", "true").body("id", equalTo(id));
        assertThat(again.header("Location")).endsWith("/v1/jobs/" + id);
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isOne();
    }

    @Test
    void sameKeyWithAnotherBodyIs422() {
        Api api = Api.newTenant();
        String key = UUID.randomUUID().toString();
        api.req().header("Idempotency-Key", key).body(body("ok-a.com")).post("/v1/jobs").then().statusCode(202);
        api.req().header("Idempotency-Key", key).body(body("ok-b.com")).post("/v1/jobs").then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("https://batchwire.dev/problems/idempotency-key-reused"));
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isOne();
    }

    @Test
    void keysArePerTenantAndInvalidRequestsStoreNoKey() {
        String key = UUID.randomUUID().toString();
        Api a = Api.newTenant();
        Api b = Api.newTenant();
        String ja = a.req().header("Idempotency-Key", key).body(body("ok-a.com")).post("/v1/jobs").then().statusCode(202)
                .extract().path("id");
        String jb = b.req().header("Idempotency-Key", key).body(body("ok-a.com")).post("/v1/jobs").then().statusCode(202)
                .header("Idempotent-Replayed", (String) null).extract().path("id");
        assertThat(jb).isNotEqualTo(ja);

        Api c = Api.newTenant();
        String key2 = UUID.randomUUID().toString();
        c.req().header("Idempotency-Key", key2).body(Map.of("type", "nope", "records", List.of())).post("/v1/jobs")
                .then().statusCode(400);
        assertThat(Db.count("SELECT count(*) FROM idempotency_keys WHERE tenant_id = ?", c.tenant().id())).isZero();
        c.req().header("Idempotency-Key", key2).body(body("ok-c.com")).post("/v1/jobs").then().statusCode(202)
                .header("Idempotent-Replayed", (String) null);
    }

    @Test
    void aRequestRefusedByTheQuotaReleasesItsKey() {
        // the queued-record limit refuses (the concurrent-jobs limit queues, since issue 14)
        Db.plan("t-one-record", 1000, 1, 1, 86_400, null);
        Api api = new Api(Db.newTenant("t-one-record"));
        api.submit("company", List.of(Map.of("domain", "delay-1500-quota-" + UUID.randomUUID())));
        String key = UUID.randomUUID().toString();
        api.req().header("Idempotency-Key", key).body(body("ok-q.com")).post("/v1/jobs").then().statusCode(429);
        assertThat(Db.count("SELECT count(*) FROM idempotency_keys WHERE tenant_id = ?", api.tenant().id())).isZero();
    }

    @Test
    void aKeyStillInFlightIs409WithRetryAfter() {
        Api api = Api.newTenant();
        String key = UUID.randomUUID().toString();
        // as another replica leaves it while it is storing the first request
        Db.exec("""
                INSERT INTO idempotency_keys (tenant_id, scope, key, request_hash, state, expires_at)
                VALUES (?, 'jobs', ?, '\\x00', 'in_flight', now() + interval '1 day')""", api.tenant().id(), key);
        api.req().header("Idempotency-Key", key).body(body("ok-x.com")).post("/v1/jobs").then()
                .statusCode(409).header("Retry-After", "1")
                .body("type", equalTo("https://batchwire.dev/problems/idempotency-key-in-flight"));
    }

    @Test
    void simultaneousRetriesMakeOneJob() throws Exception {
        Api api = Api.newTenant();
        String key = UUID.randomUUID().toString();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> api.req().header("Idempotency-Key", key).body(body("ok-race.com")).post("/v1/jobs")));
            }
            Set<String> ids = new HashSet<>();
            for (Future<Response> f : answers) {
                Response r = f.get();
                assertThat(r.statusCode()).isIn(202, 409);
                if (r.statusCode() == 202) {
                    ids.add(r.path("id"));
                }
            }
            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isOne();
    }

    @Test
    void badKeysAre400() {
        Api api = Api.newTenant();
        api.req().header("Idempotency-Key", "x".repeat(300)).body(body("ok.com")).post("/v1/jobs").then().statusCode(400)
                .body("field", equalTo("Idempotency-Key"));
    }
}
