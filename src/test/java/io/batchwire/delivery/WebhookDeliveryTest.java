package io.batchwire.delivery;

import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.batchwire.testing.Receiver;
import io.batchwire.testing.WebhookVerifier;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Test schedule: 5 attempts, 1 s apart (+-20 %). */
@QuarkusTest
class WebhookDeliveryTest {

    static Receiver receiver;

    @BeforeAll
    static void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    private static String path(String last) {
        return "/hooks/" + UUID.randomUUID() + "/" + last;
    }

    private static String jobWithWebhook(Api api, String hookPath) {
        return api.req().body(Map.of("type", "company", "webhook_url", receiver.url(hookPath),
                        "records", List.of(Map.of("domain", "ok-hook.com"), Map.of("domain", "missing-hook.com"))))
                .post("/v1/jobs").then().statusCode(202).body("webhook_url", equalTo(receiver.url(hookPath)))
                .extract().path("id");
    }

    @Test
    void aCompletedJobSendsOneSignedWebhookWithItsStatus() throws Exception {
        Api api = Api.newTenant();
        String hook = path("ok");
        String id = jobWithWebhook(api, hook);
        api.awaitFinal(id, Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests(hook).size() == 1);

        Receiver.Request r = receiver.requests(hook).getFirst();
        String secret = api.req().get("/v1/webhook-secret").then().statusCode(200).extract().path("secret");
        assertThat(secret).startsWith("whsec_");
        assertThat(r.headers().get("webhook-id")).isEqualTo("evt_" + id);
        assertThat(WebhookVerifier.verify(secret, r.headers().get("webhook-id"), r.headers().get("webhook-timestamp"),
                r.headers().get("webhook-signature"), r.body())).isTrue();
        assertThat(WebhookVerifier.verify("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]),
                r.headers().get("webhook-id"), r.headers().get("webhook-timestamp"), r.headers().get("webhook-signature"),
                r.body())).as("another secret does not verify").isFalse();

        JsonPath body = JsonPath.from(r.text());
        assertThat(body.getString("type")).isEqualTo("job.completed");
        assertThat(body.getString("timestamp")).isNotNull();
        assertThat(body.getString("data.id")).isEqualTo(id);
        assertThat(body.getString("data.state")).isEqualTo("completed");
        assertThat(body.getInt("data.counts.succeeded")).isEqualTo(1);
        assertThat(body.getInt("data.counts.failed")).isEqualTo(1);
        assertThat(body.getString("data.download_link")).startsWith("http://localhost:" + io.restassured.RestAssured.port + "/v1/downloads/");

        JsonPath deliveries = api.req().get("/v1/jobs/" + id + "/deliveries").then().statusCode(200).extract().jsonPath();
        Map<String, Object> webhook = deliveries.getMap("items.find { it.kind == 'webhook' }");
        assertThat(webhook.get("state")).isEqualTo("delivered");
        assertThat(webhook.get("attempts")).isEqualTo(1);
        assertThat(webhook.get("message_id")).isEqualTo("evt_" + id);
        List<Map<String, Object>> log = deliveries.getList("items.find { it.kind == 'webhook' }.attempt_log");
        assertThat(log).hasSize(1);
        assertThat(log.getFirst().get("status_code")).isEqualTo(200);
        assertThat(log.getFirst().get("latency_ms")).isNotNull();
    }

    @Test
    void failedAttemptsAreRetriedWithTheSameMessageUntilDelivered() {
        Api api = Api.newTenant();
        String hook = path("fail-2");
        String id = jobWithWebhook(api, hook);
        await().atMost(Duration.ofSeconds(40)).until(() -> receiver.requests(hook).size() == 3);

        List<Receiver.Request> got = receiver.requests(hook);
        assertThat(got).extracting(r -> r.headers().get("webhook-id")).containsOnly("evt_" + id);
        assertThat(got).extracting(Receiver.Request::text).containsOnly(got.getFirst().text());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonPath d = api.req().get("/v1/jobs/" + id + "/deliveries").then().extract().jsonPath();
            assertThat(d.getString("items.find { it.kind == 'webhook' }.state")).isEqualTo("delivered");
            assertThat(d.getList("items.find { it.kind == 'webhook' }.attempt_log.status_code")).containsExactly(500, 500, 200);
        });
    }

    @Test
    void gone410StopsRetriesForGood() {
        Api api = Api.newTenant();
        String hook = path("gone");
        String id = jobWithWebhook(api, hook);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                api.req().get("/v1/jobs/" + id + "/deliveries").then()
                        .body("items.find { it.kind == 'webhook' }.state", equalTo("stopped")));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> receiver.requests(hook).size() == 1);
    }

    @Test
    void aReceiverThatNeverAnswersOkEndsFailedAfterFiveAttempts() {
        Api api = Api.newTenant();
        String hook = path("down");
        String id = jobWithWebhook(api, hook);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                api.req().get("/v1/jobs/" + id + "/deliveries").then()
                        .body("items.find { it.kind == 'webhook' }.state", equalTo("failed"))
                        .body("items.find { it.kind == 'webhook' }.attempts", equalTo(5)));
        assertThat(receiver.requests(hook)).hasSize(5);
    }

    @Test
    void aDeliveryLeftByADeadReplicaIsTakenOverAndSentOnce() {
        Api api = Api.newTenant();
        String hook = path("ok");
        String id = api.submit("company", List.of(Map.of("domain", "ok-orphan.com")));
        api.awaitFinal(id, Duration.ofSeconds(30));
        // as a replica leaves it when it dies after taking attempt 1 and before sending: lease run out, nothing sent
        Db.exec("""
                INSERT INTO deliveries (id, job_id, tenant_id, kind, event_type, url, attempts, max_attempts, lease_until)
                VALUES (gen_random_uuid(), ?, ?, 'webhook', 'job.completed', ?, 1, 5, now() - interval '1 second')""",
                UUID.fromString(id), api.tenant().id(), receiver.url(hook));
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests(hook).size() == 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                api.req().get("/v1/jobs/" + id + "/deliveries").then()
                        .body("items.find { it.kind == 'webhook' }.state", equalTo("delivered"))
                        .body("items.find { it.kind == 'webhook' }.attempts", equalTo(2)));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> receiver.requests(hook).size() == 1);
    }

    @Test
    void redeliverSendsTheSameMessageAgain() {
        Api api = Api.newTenant();
        String hook = path("ok");
        String id = jobWithWebhook(api, hook);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests(hook).size() == 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> api.req().get("/v1/jobs/" + id + "/deliveries").then()
                .body("items.find { it.kind == 'webhook' }.state", equalTo("delivered")));
        String deliveryId = api.req().get("/v1/jobs/" + id + "/deliveries").then().extract()
                .path("items.find { it.kind == 'webhook' }.id");

        api.req().post("/v1/jobs/" + id + "/deliveries/" + deliveryId + "/redeliver").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests(hook).size() == 2);
        List<Receiver.Request> got = receiver.requests(hook);
        assertThat(got.get(1).headers().get("webhook-id")).isEqualTo(got.get(0).headers().get("webhook-id"));
        assertThat(got.get(1).text()).isEqualTo(got.get(0).text());

        api.req().post("/v1/jobs/" + id + "/deliveries/" + UUID.randomUUID() + "/redeliver").then().statusCode(404);
        Api.newTenant().req().post("/v1/jobs/" + id + "/deliveries/" + deliveryId + "/redeliver").then().statusCode(404);
    }

    @Test
    void duringARotationBothSecretsSign() throws Exception {
        Api api = Api.newTenant();
        String old = api.req().get("/v1/webhook-secret").then().extract().path("secret");
        JsonPath rotated = api.req().post("/v1/webhook-secret/rotate").then().statusCode(200).extract().jsonPath();
        String current = rotated.getString("secret");
        assertThat(current).isNotEqualTo(old);
        assertThat(rotated.getString("previous_secret")).isEqualTo(old);
        assertThat(rotated.getString("previous_valid_until")).isNotNull();

        String hook = path("ok");
        jobWithWebhook(api, hook);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests(hook).size() == 1);
        Receiver.Request r = receiver.requests(hook).getFirst();
        assertThat(r.headers().get("webhook-signature").split(" ")).hasSize(2);
        for (String secret : List.of(old, current)) {
            assertThat(WebhookVerifier.verify(secret, r.headers().get("webhook-id"), r.headers().get("webhook-timestamp"),
                    r.headers().get("webhook-signature"), r.body())).isTrue();
        }
    }

    @Test
    void cancellingSendsJobCancelled() {
        Api api = Api.newTenant();
        String hook = path("ok");
        String id = api.req().body(Map.of("type", "company", "webhook_url", receiver.url(hook),
                        "records", Api.records(5, i -> Map.of("domain", "delay-3000-cancelhook-" + UUID.randomUUID()))))
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        api.req().post("/v1/jobs/" + id + "/cancel").then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests(hook).size() == 1);
        JsonPath body = JsonPath.from(receiver.requests(hook).getFirst().text());
        assertThat(body.getString("type")).isEqualTo("job.cancelled");
        assertThat(body.getInt("data.counts.cancelled")).isEqualTo(5);
    }

    @Test
    void outboundUrlsArePolicedAtSubmit() {
        Api api = Api.newTenant();
        for (String bad : List.of("http://10.0.0.7/hook", "http://169.254.169.254/latest/meta-data", "ftp://example.com/x",
                "http://user:pw@example.com/", "http://[fd00::1]/x", "not a url", "http://100.64.0.1/")) {
            api.req().body(Map.of("type", "company", "webhook_url", bad, "records", List.of(Map.of("domain", "a.com"))))
                    .post("/v1/jobs").then().statusCode(400).contentType("application/problem+json")
                    .body("field", equalTo("webhook_url"));
            api.req().body(Map.of("type", "company", "result_url", bad, "records", List.of(Map.of("domain", "a.com"))))
                    .post("/v1/jobs").then().statusCode(400).body("field", equalTo("result_url"));
        }
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isZero();
    }
}
