package io.batchwire.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.batchwire.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Seed 001 (ApiOne async jobs) played as its documentation shows it, with a plain HTTP client and raw JSON: the
 * three curls (submit, status, results) and the webhook that carries the results, signed per Standard Webhooks.
 */
@QuarkusTest
class ApiOneContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static HttpServer hooks;
    private static final Map<String, List<Hook>> received = new ConcurrentHashMap<>();

    record Hook(Map<String, String> headers, String body) {
    }

    @BeforeAll
    static void receiver() throws Exception {
        hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hooks.createContext("/", ex -> {
            Map<String, String> h = new ConcurrentHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(), v.getFirst()));
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.computeIfAbsent(ex.getRequestURI().getPath(), k -> new CopyOnWriteArrayList<>()).add(new Hook(h, body));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        hooks.start();
    }

    @AfterAll
    static void stop() {
        hooks.stop(0);
    }

    private static String base() {
        return "http://localhost:" + RestAssured.port;
    }

    private static HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).header("X-API-Key", key);
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void theSeedsThreeCurlsAndItsWebhook() throws Exception {
        String key = Db.newTenant().apiKey();
        String hookPath = "/webhooks/apione/" + UUID.randomUUID();
        String run = UUID.randomUUID().toString().substring(0, 8);
        // curl -X POST .../api/v1/async/enrich -H "X-API-Key" -H "Content-Type: application/json" -d '{...}'
        HttpResponse<String> submitted = send("POST", "/api/v1/async/enrich", key, """
                {
                  "type": "company",
                  "records": [
                    {"domain": "stripe-%1$s.com"},
                    {"domain": "shopify-%1$s.com"},
                    {"domain": "missing-twilio-%1$s.com"}
                  ],
                  "webhook_url": "http://127.0.0.1:%2$d%3$s"
                }""".formatted(run, hooks.getAddress().getPort(), hookPath));
        assertThat(submitted.statusCode()).as(submitted.body()).isBetween(200, 202);
        JsonNode answer = json(submitted);
        assertThat(answer.get("status").asText()).isEqualTo("success");
        String jobId = answer.get("job_id").asText();
        assertThat(jobId).isNotBlank();
        assertThat(answer.get("estimated_completion_seconds").isIntegralNumber()).as("an integer, never null").isTrue();
        assertThat(answer.get("estimated_completion_seconds").asLong()).isPositive();
        assertThat(answer.get("total_records").asInt()).isEqualTo(3);
        assertThat(submitted.headers().firstValue("Location")).contains(base() + "/api/v1/async/status/" + jobId);

        // curl .../api/v1/async/status/{job_id}, polled until completed
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            JsonNode s = json(send("GET", "/api/v1/async/status/" + jobId, key, null));
            assertThat(s.get("status").asText()).isIn("queued", "processing", "completed");
            assertThat(s.get("status").asText()).isEqualTo("completed");
        });
        JsonNode status = json(send("GET", "/api/v1/async/status/" + jobId, key, null));
        assertThat(status.get("job_id").asText()).isEqualTo(jobId);
        assertThat(status.get("total_records").asInt()).isEqualTo(3);
        assertThat(status.get("processed_records").asInt()).isEqualTo(3);
        assertThat(status.get("successful_records").asInt()).isEqualTo(2);
        assertThat(status.get("failed_records").asInt()).isEqualTo(1);
        assertThat(status.get("progress").asDouble()).isEqualTo(100.0);
        assertThat(status.get("estimated_completion_seconds").asLong()).isZero();
        assertThat(status.get("results_url").asText()).isEqualTo(base() + "/api/v1/async/results/" + jobId);

        // curl .../api/v1/async/results/{job_id}
        HttpResponse<String> resultsResponse = send("GET", "/api/v1/async/results/" + jobId, key, null);
        assertThat(resultsResponse.statusCode()).isEqualTo(200);
        JsonNode results = json(resultsResponse);
        assertThat(results.get("job_status").asText()).isEqualTo("completed");
        assertThat(results.get("results")).hasSize(3);
        JsonNode first = results.get("results").get(0);
        assertThat(first.get("input").get("domain").asText()).isEqualTo("stripe-" + run + ".com");
        assertThat(first.get("status").asText()).isEqualTo("success");
        assertThat(first.get("data").isObject()).isTrue();
        JsonNode third = results.get("results").get(2);
        assertThat(third.get("status").asText()).isEqualTo("error");
        assertThat(third.get("error").isNull()).isFalse();

        // the webhook: the results themselves, signed per Standard Webhooks
        await().atMost(Duration.ofSeconds(30)).until(() -> received.getOrDefault(hookPath, List.of()).size() == 1);
        Hook hook = received.get(hookPath).getFirst();
        String secret = json(send("GET", "/v1/webhook-secret", key, null)).get("secret").asText();
        assertThat(verify(secret, hook)).isTrue();
        JsonNode payload = JSON.readTree(hook.body());
        assertThat(payload.get("type").asText()).isEqualTo("job.completed");
        assertThat(payload.get("data").get("job_id").asText()).isEqualTo(jobId);
        assertThat(payload.get("data").get("results_included").asBoolean()).isTrue();
        assertThat(payload.get("data").get("results")).hasSize(3);
        assertThat(payload.get("data").get("results").get(1).get("input").get("domain").asText())
                .isEqualTo("shopify-" + run + ".com");
    }

    @Test
    void overTheConfiguredSizeTheWebhookCarriesASignedLinkAndSaysSo() throws Exception {
        String key = Db.newTenant().apiKey();
        String hookPath = "/webhooks/apione-big/" + UUID.randomUUID();
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            records.append(i == 0 ? "" : ",").append("{\"domain\": \"big-").append(i).append("-").append(UUID.randomUUID()).append(".com\"}");
        }
        HttpResponse<String> submitted = send("POST", "/api/v1/async/enrich", key,
                "{\"type\": \"company\", \"records\": [" + records + "], \"webhook_url\": \"http://127.0.0.1:"
                        + hooks.getAddress().getPort() + hookPath + "\"}");
        assertThat(submitted.statusCode()).as(submitted.body()).isBetween(200, 202);
        String jobId = json(submitted).get("job_id").asText();

        await().atMost(Duration.ofSeconds(60)).until(() -> received.getOrDefault(hookPath, List.of()).size() == 1);
        Hook hook = received.get(hookPath).getFirst();
        String secret = json(send("GET", "/v1/webhook-secret", key, null)).get("secret").asText();
        assertThat(verify(secret, hook)).isTrue();
        JsonNode data = JSON.readTree(hook.body()).get("data");
        assertThat(data.get("job_id").asText()).isEqualTo(jobId);
        assertThat(data.get("results_included").asBoolean()).isFalse();
        assertThat(data.get("results_omitted_reason").asText()).contains("bytes");
        assertThat(data.has("results")).isFalse();
        String link = data.get("download_link").asText();
        assertThat(link).startsWith(base() + "/v1/downloads/");
        // the signed link needs no API key
        HttpResponse<String> file = HTTP.send(HttpRequest.newBuilder(URI.create(link)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body().lines().count()).isEqualTo(40);
    }

    @Test
    void badInputIsAProblemAndChangesNothing() throws Exception {
        String key = Db.newTenant().apiKey();
        HttpResponse<String> noRecords = send("POST", "/api/v1/async/enrich", key, "{\"type\": \"company\", \"records\": []}");
        assertThat(noRecords.statusCode()).isEqualTo(400);
        assertThat(noRecords.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        HttpResponse<String> badType = send("POST", "/api/v1/async/enrich", key, "{\"type\": \"horoscope\", \"records\": [{\"a\": 1}]}");
        assertThat(badType.statusCode()).isEqualTo(400);
        HttpResponse<String> unknownField = send("POST", "/api/v1/async/enrich", key,
                "{\"type\": \"company\", \"records\": [{\"domain\": \"a.com\"}], \"priority\": 1}");
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(send("GET", "/api/v1/async/status/" + UUID.randomUUID(), key, null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/api/v1/async/status/not-an-id", key, null).statusCode()).as("a malformed id is an unknown one").isEqualTo(404);
        assertThat(send("GET", "/api/v1/async/results/" + UUID.randomUUID(), "wrong-key", null).statusCode()).isEqualTo(401);
        assertThat(json(send("GET", "/v1/jobs", key, null)).get("items")).isEmpty();
    }

    @Test
    void thePlanTableInTheSeedsTerms() throws Exception {
        String key = Db.newTenant().apiKey();
        JsonNode limits = json(send("GET", "/api/v1/async/limits", key, null));
        Map<String, String> expected = Map.of("free", "50/1/24 hours", "starter", "500/5/7 days", "growth", "1000/20/30 days",
                "scale", "1000/50/90 days");
        for (JsonNode p : limits.get("plans")) {
            String name = p.get("plan").asText();
            if (expected.containsKey(name)) {
                assertThat(p.get("max_records_per_job").asInt() + "/" + p.get("concurrent_jobs").asInt() + "/"
                        + p.get("result_retention").asText()).as(name).isEqualTo(expected.get(name));
            }
        }
        assertThat(limits.get("plans").findValuesAsText("plan")).contains("free", "starter", "growth", "scale");
        assertThat(limits.get("current_plan").asText()).isNotBlank();
    }

    /** Standard Webhooks: v1,base64(HMAC-SHA256(secret, id.timestamp.body)). */
    static boolean verify(String secret, Hook hook) throws Exception {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String signed = hook.headers().get("webhook-id") + "." + hook.headers().get("webhook-timestamp") + "." + hook.body();
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        for (String s : hook.headers().get("webhook-signature").split(" ")) {
            if (s.equals(expected)) {
                return true;
            }
        }
        return false;
    }
}
