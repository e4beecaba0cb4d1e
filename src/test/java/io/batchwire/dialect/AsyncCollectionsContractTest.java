package io.batchwire.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.testing.Db;
import io.batchwire.testing.FakeUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Seed 003 (collections and runs) played as the document writes it, with a plain HTTP client and raw JSON: create
 * (with an Idempotency-Key, retried), the reattach snippet (look for a live run, else start one), polling the run,
 * and the cursor loop over its jobs; with a block page (Cloudflare challenge header, captcha HTML), a time-out and a
 * scheme-less URL among the requests. Requests ask for no browser: this profile has no renderer configured (422,
 * tested; AsyncCollectionsRenderingTest runs browser requests with one).
 */
@QuarkusTest
class AsyncCollectionsContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String base() {
        return "http://localhost:" + RestAssured.port;
    }

    private static HttpResponse<String> send(String method, String path, String key, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).header("X-API-Key", key);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(String path, String key, Map<String, String> params) throws Exception {
        String query = params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> r = send("GET", path + (query.isEmpty() ? "" : "?" + query), key, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void theClassicWorkflowWithReattachAndTheCursorLoop() throws Exception {
        String key = Db.newTenant().apiKey();
        String fake = "127.0.0.1:" + FakeUpstream.get().port() + "/anything/";
        String run = UUID.randomUUID().toString().substring(0, 8);
        String body = """
                {
                "name": "new collection",
                "requests": [
                  {"url": "http://%1$spage-%2$s", "custom_id": "ok", "browser": false, "screenshot": false, "actions": []},
                  {"url": "http://%1$schallenge-%2$s", "custom_id": "cf", "browser": false},
                  {"url": "http://%1$scaptcha-%2$s", "custom_id": "captcha"},
                  {"url": "http://%1$sslow-%2$s", "custom_id": "slow"},
                  {"url": "%1$spage-noscheme-%2$s", "custom_id": "noscheme"}
                ]
                }""".formatted(fake, run);

        // 1. create, with an Idempotency-Key, and retried as a lost answer would be
        String idem = UUID.randomUUID().toString();
        HttpResponse<String> created = send("POST", "/v1/async/collections", key, body, "Idempotency-Key", idem);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode c = JSON.readTree(created.body());
        String collectionId = c.get("id").asText();
        assertThat(c.get("name").asText()).isEqualTo("new collection");
        assertThat(c.get("message").asText()).isEqualTo("Collection created successfully.");
        HttpResponse<String> retried = send("POST", "/v1/async/collections", key, body, "Idempotency-Key", idem);
        assertThat(JSON.readTree(retried.body()).get("id").asText()).as("same key + same body: the same collection").isEqualTo(collectionId);

        // the scheme-less url got the default scheme (https)
        JsonNode stored = get("/v1/async/collections/" + collectionId, key, Map.of());
        assertThat(stored.get("requests").get(4).get("url").asText()).isEqualTo("https://" + fake + "page-noscheme-" + run);

        // 2. the reattach snippet: nothing in progress yet, so start a run
        String runsPath = "/v1/async/collections/" + collectionId + "/runs?status_filter=in_progress";
        JsonNode runs = JSON.readTree(send("GET", runsPath, key, null).body());
        String runId;
        if (runs.get("total").asInt() > 0) {
            runId = runs.get("items").get(0).get("run_id").asText();
        } else {
            HttpResponse<String> started = send("POST", "/v1/async/collections/" + collectionId + "/run", key, null);
            assertThat(started.statusCode()).as(started.body()).isBetween(200, 202);
            JsonNode s = JSON.readTree(started.body());
            assertThat(s.get("status").asText()).isEqualTo("in_progress");
            assertThat(s.get("total_requests").asInt()).isEqualTo(5);
            assertThat(s.get("collection_id").asText()).isEqualTo(collectionId);
            runId = s.get("run_id").asText();
        }
        assertThat(runs.get("total").asInt()).isZero();
        // the answer to POST /run "was lost": the snippet again reattaches to the live run instead of starting one
        // (the slow request keeps it in progress for several 2 s time-outs)
        runs = JSON.readTree(send("GET", runsPath, key, null).body());
        assertThat(runs.get("total").asInt()).isEqualTo(1);
        assertThat(runs.get("items").get(0).get("run_id").asText()).isEqualTo(runId);

        // 3./4. query the run status until it completes
        String runPath = "/v1/async/collections/" + collectionId + "/runs/" + runId;
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> get(runPath, key, Map.of()).get("status").asText().equals("completed"));
        JsonNode done = get(runPath, key, Map.of());
        assertThat(done.get("total_requests").asInt()).isEqualTo(5);
        assertThat(done.get("success_requests").asInt()).as("only usable content").isEqualTo(1);
        assertThat(done.get("failed_requests").asInt()).as("two block pages and the https url").isEqualTo(3);
        assertThat(done.get("timeout_requests").asInt()).isEqualTo(1);
        assertThat(done.get("total_requests").asInt()).isEqualTo(done.get("success_requests").asInt()
                + done.get("failed_requests").asInt() + done.get("timeout_requests").asInt());
        assertThat(get("/v1/async/collections/" + collectionId + "/runs", key, Map.of("status_filter", "in_progress"))
                .get("total").asInt()).isZero();

        // the cursor loop, as written (and once more with a small page, so that the cursor is followed)
        for (int limit : new int[]{500, 2}) {
            Map<String, JsonNode> byCustomId = new HashMap<>();
            String cursor = null;
            int pages = 0;
            while (true) {
                Map<String, String> params = new LinkedHashMap<>(Map.of("limit", String.valueOf(limit), "order_by", "completed_at",
                        "status_filter", "completed,failed,timeout"));
                if (cursor != null) {
                    params.put("cursor", cursor);
                }
                JsonNode page = get("/v1/async/collections/" + collectionId + "/runs/" + runId + "/jobs", key, params);
                pages++;
                for (JsonNode job : page.get("items")) {
                    assertThat(job.has("job_id")).isTrue();
                    assertThat(job.has("url")).isTrue();
                    assertThat(job.has("status_code")).isTrue();
                    assertThat(job.has("started_at") && job.has("completed_at") && job.has("duration_ms")).as("timings").isTrue();
                    byCustomId.put(job.get("custom_id").asText(), job);
                }
                if (!page.path("has_more").asBoolean(false)) {
                    break;
                }
                cursor = page.get("cursor_next").asText();
            }
            assertThat(byCustomId.keySet()).containsExactlyInAnyOrder("ok", "cf", "captcha", "slow", "noscheme");
            assertThat(pages).isGreaterThanOrEqualTo(limit == 2 ? 3 : 1);
            assertThat(byCustomId.get("ok").get("status").asText()).isEqualTo("completed");
            assertThat(byCustomId.get("ok").get("status_code").asInt()).isEqualTo(200);
            assertThat(byCustomId.get("cf").get("status").asText()).isEqualTo("failed");
            assertThat(byCustomId.get("cf").get("status_code").asInt()).isEqualTo(200);
            assertThat(byCustomId.get("cf").get("error").get("code").asText()).isEqualTo("blocked");
            assertThat(byCustomId.get("captcha").get("status").asText()).isEqualTo("failed");
            assertThat(byCustomId.get("captcha").get("error").get("code").asText()).isEqualTo("blocked");
            assertThat(byCustomId.get("slow").get("status").asText()).isEqualTo("timeout");
            assertThat(byCustomId.get("noscheme").get("url").asText()).startsWith("https://");
            assertThat(byCustomId.get("noscheme").get("status").asText()).isEqualTo("failed");

            // the full HTML of one job
            String okJob = byCustomId.get("ok").get("job_id").asText();
            JsonNode result = get("/v1/async/collections/" + collectionId + "/runs/" + runId + "/jobs/" + okJob + "/result", key, Map.of());
            assertThat(result.get("custom_id").asText()).isEqualTo("ok");
            assertThat(result.get("result").toString()).contains("Example Domain");
        }
    }

    @Test
    void aRequestThatNeedsABrowserIsRefusedWithA422AndNothingIsCreated() throws Exception {
        String key = Db.newTenant().apiKey();
        HttpResponse<String> r = send("POST", "/v1/async/collections", key, """
                {"name": "new collection", "requests": [
                  {"url": "www.google.com", "browser": true, "screenshot": false,
                   "actions": [{"type": "wait-for-timeout", "time": 5000}]}]}""");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(JSON.readTree(r.body()).get("detail").asText()).contains("rendering upstream");
        assertThat(JSON.readTree(r.body()).get("type").asText()).endsWith("no-renderer");
        assertThat(JSON.readTree(r.body()).get("field").asText()).isEqualTo("requests[0].browser");
        // a screenshot alone needs a browser too
        HttpResponse<String> shot = send("POST", "/v1/async/collections", key, """
                {"name": "screenshot", "requests": [{"url": "www.example.com", "screenshot": true}]}""");
        assertThat(shot.statusCode()).isEqualTo(422);
        // the engine's own API says the same
        HttpResponse<String> core = send("POST", "/v1/collections", key, """
                {"name": "core", "requests": [{"url": "https://www.example.com", "browser": true}]}""");
        assertThat(core.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(core.body()).get("type").asText()).endsWith("no-renderer");
        HttpResponse<String> job = send("POST", "/v1/jobs", key, """
                {"type": "http", "records": [{"url": "https://www.example.com", "browser": true}]}""");
        assertThat(job.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(send("GET", "/v1/collections", key, null).body()).get("items")).isEmpty();
        assertThat(JSON.readTree(send("GET", "/v1/jobs", key, null).body()).get("items")).isEmpty();
    }

    @Test
    void unknownCollectionsAndRunsAre404() throws Exception {
        String key = Db.newTenant().apiKey();
        assertThat(send("POST", "/v1/async/collections/" + UUID.randomUUID() + "/run", key, null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/v1/async/collections/" + UUID.randomUUID() + "/runs", key, null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/v1/async/collections/" + UUID.randomUUID() + "/runs?status_filter=bogus", key, null).statusCode())
                .isIn(400, 404);
    }
}
