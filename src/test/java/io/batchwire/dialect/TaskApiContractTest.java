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

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Seed 002 (async tasks) as its document describes it, with a plain HTTP client and raw JSON: submit with
 * {@code webhook.url} and {@code idempotencyKey}, poll for the full result, the webhook with the full result, its
 * retry schedule (5 attempts; the test profile's waits are 1, 2, 3, 4 s instead of 2, 4, 8, 16 min), and the two
 * submission limits: credits (402) and the queue (429).
 */
@QuarkusTest
class TaskApiContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static HttpServer hooks;
    private static final Map<String, List<ApiOneContractTest.Hook>> received = new ConcurrentHashMap<>();
    private static final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
    /** Per path: how many attempts answer 500 before one answers 200 (absent: always 200). */
    private static final Map<String, AtomicInteger> failFirst = new ConcurrentHashMap<>();

    @BeforeAll
    static void receiver() throws Exception {
        hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hooks.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            Map<String, String> h = new ConcurrentHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(), v.getFirst()));
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.computeIfAbsent(path, k -> new CopyOnWriteArrayList<>()).add(new ApiOneContractTest.Hook(h, body));
            arrivals.computeIfAbsent(path, k -> new CopyOnWriteArrayList<>()).add(System.currentTimeMillis());
            AtomicInteger fails = failFirst.get(path);
            ex.sendResponseHeaders(fails != null && fails.getAndDecrement() > 0 ? 500 : 200, -1);
            ex.close();
        });
        hooks.start();
    }

    @AfterAll
    static void stop() {
        hooks.stop(0);
    }

    private static String hookUrl(String path) {
        return "http://127.0.0.1:" + hooks.getAddress().getPort() + path;
    }

    private static HttpResponse<String> send(String method, String path, String key, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .header("X-API-Key", key);
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

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void submitWithWebhookAndIdempotencyKeyThenPollAndReceiveTheFullResult() throws Exception {
        String key = Db.newTenant().apiKey();
        String hook = "/tasks/" + UUID.randomUUID();
        String idem = "order-" + UUID.randomUUID();
        String body = """
                {"type": "company", "input": {"domain": "task-%s.com"}, "webhook": {"url": "%s"}, "idempotencyKey": "%s"}"""
                .formatted(idem, hookUrl(hook), idem);
        HttpResponse<String> first = send("POST", "/v1/tasks", key, body);
        assertThat(first.statusCode()).as(first.body()).isBetween(200, 202);
        JsonNode answer = json(first);
        String taskId = answer.get("taskId").asText();
        assertThat(answer.get("status").asText()).isIn("pending", "processing");
        assertThat(first.headers().firstValue("Location")).contains("http://localhost:" + RestAssured.port + "/v1/tasks/" + taskId);

        // the same idempotencyKey and body: the same task, not a second one
        HttpResponse<String> again = send("POST", "/v1/tasks", key, body);
        assertThat(json(again).get("taskId").asText()).isEqualTo(taskId);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        // the key in the header means the same
        HttpResponse<String> viaHeader = send("POST", "/v1/tasks", key, body.replace(", \"idempotencyKey\": \"" + idem + "\"", ""),
                "Idempotency-Key", idem);
        assertThat(json(viaHeader).get("taskId").asText()).isEqualTo(taskId);
        // the same key with another body is refused
        HttpResponse<String> other = send("POST", "/v1/tasks", key, body.replace("task-", "other-"));
        assertThat(other.statusCode()).isEqualTo(422);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                json(send("GET", "/v1/tasks/" + taskId, key, null)).get("status").asText().equals("completed"));
        JsonNode task = json(send("GET", "/v1/tasks/" + taskId, key, null));
        assertThat(task.get("taskId").asText()).isEqualTo(taskId);
        assertThat(task.get("statusCode").asInt()).isEqualTo(200);
        assertThat(task.get("result").isObject()).as("the full result").isTrue();
        assertThat(task.get("completedAt").isNull()).isFalse();

        await().atMost(Duration.ofSeconds(30)).until(() -> received.getOrDefault(hook, List.of()).size() == 1);
        ApiOneContractTest.Hook h = received.get(hook).getFirst();
        assertThat(ApiOneContractTest.verify(json(send("GET", "/v1/webhook-secret", key, null)).get("secret").asText(), h)).isTrue();
        JsonNode payload = JSON.readTree(h.body());
        assertThat(payload.get("type").asText()).isEqualTo("task.completed");
        assertThat(payload.get("data").get("taskId").asText()).isEqualTo(taskId);
        assertThat(payload.get("data").get("result")).isEqualTo(task.get("result"));
        assertThat(json(send("GET", "/v1/jobs", key, null)).get("items")).as("one task stored").hasSize(1);
    }

    @Test
    void aFailingReceiverGetsFiveAttemptsOnTheTasksSchedule() throws Exception {
        String key = Db.newTenant().apiKey();
        String hook = "/tasks-failing/" + UUID.randomUUID();
        failFirst.put(hook, new AtomicInteger(Integer.MAX_VALUE));
        HttpResponse<String> r = send("POST", "/v1/tasks", key, """
                {"type": "company", "input": {"domain": "retry-%s.com"}, "webhook": {"url": "%s"}}"""
                .formatted(UUID.randomUUID(), hookUrl(hook)));
        String taskId = json(r).get("taskId").asText();

        await().atMost(Duration.ofSeconds(90)).until(() -> {
            JsonNode d = json(send("GET", "/v1/jobs/" + taskId + "/deliveries", key, null));
            for (JsonNode one : d.get("items")) {
                if (one.get("kind").asText().equals("webhook")) {
                    return one.get("state").asText().equals("failed");
                }
            }
            return false;
        });
        List<Long> at = arrivals.get(hook);
        assertThat(at).as("5 attempts, then no more").hasSize(5);
        long[] scheduled = {1000, 2000, 3000, 4000};
        for (int i = 0; i < 4; i++) {
            // each wait is at least the schedule's, less its 20 % jitter (never shorter; a busy machine only adds)
            assertThat(at.get(i + 1) - at.get(i)).as("wait before attempt " + (i + 2)).isGreaterThanOrEqualTo(scheduled[i] * 8 / 10);
        }
    }

    @Test
    void withoutCreditsA402AndOverTheQueueA429AndNothingStored() throws Exception {
        String plan = "tasks-metered-" + UUID.randomUUID().toString().substring(0, 8);
        Db.meteredPlan(plan, 5);
        String broke = Db.newTenant(plan).apiKey();
        HttpResponse<String> noCredits = send("POST", "/v1/tasks", broke, """
                {"type": "company", "input": {"domain": "broke.com"}}""");
        assertThat(noCredits.statusCode()).isEqualTo(402);
        assertThat(noCredits.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(json(send("GET", "/v1/jobs", broke, null)).get("items")).isEmpty();

        String small = "tasks-queue-" + UUID.randomUUID().toString().substring(0, 8);
        Db.plan(small, 1000, 5, 1, 86_400, null);
        String key = Db.newTenant(small).apiKey();
        // times out on every attempt (3 x 500 ms at least), so it is still waiting when the next one comes
        HttpResponse<String> slow = send("POST", "/v1/tasks", key, """
                {"type": "company", "input": {"domain": "slow-%s.com"}}""".formatted(UUID.randomUUID()));
        assertThat(slow.statusCode()).isEqualTo(202);
        HttpResponse<String> over = send("POST", "/v1/tasks", key, """
                {"type": "company", "input": {"domain": "queued.com"}}""");
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(over.headers().firstValue("Retry-After")).isPresent();
        assertThat(json(send("GET", "/v1/jobs", key, null)).get("items")).hasSize(1);
    }

    @Test
    void badInputIsAProblem() throws Exception {
        String key = Db.newTenant().apiKey();
        assertThat(send("POST", "/v1/tasks", key, "{\"type\": \"company\"}").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/v1/tasks", key, "{\"type\": \"company\", \"input\": {\"domain\": \"a.com\"}, \"webhook\": {\"url\": \"ftp://x\"}}")
                .statusCode()).isEqualTo(400);
        assertThat(send("POST", "/v1/tasks", key, "{\"type\": \"company\", \"input\": {\"domain\": \"a.com\"}, \"idempotencyKey\": \"a\"}",
                "Idempotency-Key", "b").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/v1/tasks", key, "{\"type\": \"company\", \"input\": {\"domain\": \"a.com\"}, \"extra\": 1}")
                .statusCode()).isEqualTo(400);
        assertThat(send("GET", "/v1/tasks/" + UUID.randomUUID(), key, null).statusCode()).isEqualTo(404);
        assertThat(json(send("GET", "/v1/jobs", key, null)).get("items")).isEmpty();
    }
}
