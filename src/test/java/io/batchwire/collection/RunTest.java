package io.batchwire.collection;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.batchwire.collection.CollectionsApi.get;
import static io.batchwire.collection.CollectionsApi.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Runs: start, poll, reattach, incremental listing, one request's body, re-running failures. */
@QuarkusTest
class RunTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void aRunGoesToCompletionWithExactCountersAndPerRequestResults() {
        CollectionsApi c = CollectionsApi.newTenant();
        String okA = key("ok-a-");
        String okB = key("ok-b-");
        String missing = key("missing-");
        String flaky = key("flaky-1-");
        Map<String, Object> post = new HashMap<>(get("post", key("ok-post-")));
        post.put("method", "POST");
        post.put("headers", Map.of("X-Test", "from-collection"));
        post.put("body", Map.of("hello", "world"));
        String cid = c.create("daily", List.of(get("a", okA), get(null, okB), get("missing", missing), get("flaky", flaky), post));

        Response started = c.startResponse(cid);
        started.then().statusCode(202)
                .body("status", equalTo("in_progress"))
                .body("collection_id", equalTo(cid))
                .body("total_requests", equalTo(5))
                .body("success_requests", equalTo(0))
                .body("failed_requests", equalTo(0))
                .body("timeout_requests", equalTo(0))
                .body("created_at", notNullValue());
        String run = started.path("run_id");
        assertThat(started.header("Location")).endsWith("/v1/collections/" + cid + "/runs/" + run);

        // while it runs, the counters only ever add up to at most the total
        await().atMost(CollectionsApi.RUN_TIME).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonPath r = c.run(cid, run);
            int done = r.getInt("success_requests") + r.getInt("failed_requests") + r.getInt("timeout_requests")
                    + r.getInt("cancelled_requests");
            assertThat(r.getInt("total_requests")).isEqualTo(5);
            assertThat(done).isBetween(0, 5);
            assertThat(r.getInt("pending_requests")).isEqualTo(5 - done);
            return !"in_progress".equals(r.getString("status"));
        });
        JsonPath done = c.run(cid, run);
        assertThat(done.getString("status")).isEqualTo("completed");
        assertThat(done.getInt("total_requests")).isEqualTo(
                done.getInt("success_requests") + done.getInt("failed_requests") + done.getInt("timeout_requests"));
        assertThat(done.getInt("success_requests")).isEqualTo(4);
        assertThat(done.getInt("failed_requests")).isEqualTo(1);
        assertThat(done.getInt("cancelled_requests")).isZero();
        assertThat(done.getString("finished_at")).isNotNull();

        // the run is a job of type http that names its collection
        c.api().req().get("/v1/jobs/" + run).then().statusCode(200)
                .body("type", equalTo("http")).body("collection_id", equalTo(cid)).body("state", equalTo("completed"));

        List<Map<String, Object>> listed = c.requests(cid, run, Map.of("limit", 2));
        assertThat(listed).extracting(m -> m.get("index")).containsExactly(0, 1, 2, 3, 4);
        assertThat(listed).extracting(m -> m.get("custom_id")).containsExactly("a", null, "missing", "flaky", "post");
        assertThat(listed).extracting(m -> m.get("status")).containsExactly("completed", "completed", "failed", "completed", "completed");
        assertThat(listed).extracting(m -> m.get("status_code")).containsExactly(200, 200, 404, 200, 200);
        assertThat(listed).extracting(m -> m.get("method")).containsExactly("GET", "GET", "GET", "GET", "POST");
        assertThat(listed.get(0).get("url")).isEqualTo(CollectionsApi.url(okA));
        assertThat(listed.get(3).get("attempts")).isEqualTo(2);
        assertThat(listed).allSatisfy(m -> {
            assertThat(m.get("started_at")).isNotNull();
            assertThat(m.get("completed_at")).isNotNull();
            assertThat(m.get("duration_ms")).isNotNull();
            assertThat(m).doesNotContainKey("result");
        });
        assertThat(((Map<?, ?>) listed.get(2).get("error")).get("code")).isEqualTo("upstream_status");
        c.api().req().get("/v1/collections/" + cid + "/runs/" + run + "/jobs?status_filter=failed").then().statusCode(200)
                .body("items.custom_id", contains("missing"));
        c.api().req().get("/v1/collections/" + cid + "/runs/" + run + "/jobs?status_filter=completed,timeout").then()
                .statusCode(200).body("items.index", contains(0, 1, 3, 4));
        c.api().req().get("/v1/collections/" + cid + "/runs/" + run + "/jobs?status_filter=succeeded").then()
                .statusCode(400).contentType(PROBLEM).body("field", equalTo("status_filter"));

        // one request's full body, by index or custom_id
        String base = "/v1/collections/" + cid + "/runs/" + run + "/jobs/";
        c.api().req().get(base + "1/result").then().statusCode(200)
                .body("index", equalTo(1)).body("status", equalTo("completed")).body("status_code", equalTo(200))
                .body("result.key", equalTo(okB)).body("result.method", equalTo("GET"));
        c.api().req().get(base + "post/result").then().statusCode(200)
                .body("index", equalTo(4)).body("result.method", equalTo("POST"))
                .body("result.x_test", equalTo("from-collection"))
                .body("result.body", equalTo("{\"hello\":\"world\"}"));
        c.api().req().get(base + "missing/result").then().statusCode(200)
                .body("status", equalTo("failed")).body("result", nullValue()).body("error.code", equalTo("upstream_status"));
        c.api().req().get(base + "9/result").then().statusCode(404).contentType(PROBLEM);
        c.api().req().get(base + "nobody/result").then().statusCode(404).contentType(PROBLEM);
        c.api().req().get("/v1/collections/" + cid + "/runs/" + UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM);

        // the collection's run list has it, newest first
        String second = c.start(cid);
        c.api().req().get("/v1/collections/" + cid + "/runs").then().statusCode(200).body("items.run_id", contains(second, run));
        c.awaitEnd(cid, second, CollectionsApi.RUN_TIME);
    }

    @Test
    void aClientWhoseAnswerWasLostReattachesToTheLiveRun() {
        CollectionsApi c = CollectionsApi.newTenant();
        String cid = c.create("slowish", slowRequests());
        String idem = UUID.randomUUID().toString();
        String run = c.api().req().header("Idempotency-Key", idem).post("/v1/collections/" + cid + "/runs")
                .then().statusCode(202).extract().path("run_id");

        // the answer was "lost": the client looks for a live run instead of starting another
        c.api().req().get("/v1/collections/" + cid + "/runs?status_filter=in_progress").then().statusCode(200)
                .body("items.run_id", contains(run)).body("items[0].status", equalTo("in_progress"))
                .body("items[0].total_requests", equalTo(8));
        // or retries with its key and gets the same run
        c.api().req().header("Idempotency-Key", idem).post("/v1/collections/" + cid + "/runs").then().statusCode(202)
                .header("Idempotent-Replayed", "true").body("run_id", equalTo(run));
        // the key belongs to this collection's runs: another collection does not replay it
        String other = c.create("other", slowRequests());
        String otherRun = c.api().req().header("Idempotency-Key", idem).post("/v1/collections/" + other + "/runs")
                .then().statusCode(202).header("Idempotent-Replayed", (String) null).extract().path("run_id");
        assertThat(otherRun).isNotEqualTo(run);

        c.awaitEnd(cid, run, CollectionsApi.RUN_TIME);
        c.awaitEnd(other, otherRun, CollectionsApi.RUN_TIME);
        c.api().req().get("/v1/collections/" + cid + "/runs?status_filter=in_progress").then().statusCode(200)
                .body("items", empty());
        c.api().req().get("/v1/collections/" + cid + "/runs?status_filter=completed,cancelled").then().statusCode(200)
                .body("items.run_id", contains(run)).body("items[0].success_requests", equalTo(8));
    }

    /** Eight requests that each take 1.5 s (the test http upstream takes 4 at a time): a run of about 3 s. */
    private static List<Map<String, Object>> slowRequests() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            out.add(get("r" + i, key("delay-1500-")));
        }
        return out;
    }

    @Test
    void incrementalListingNeverLosesOrRepeatsARequestWhileTheRunProgresses() {
        CollectionsApi c = CollectionsApi.newTenant();
        int n = 24;
        List<Map<String, Object>> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            requests.add(get("req-" + i, key("delay-" + (50 + (i * 137) % 900) + "-")));
        }
        String cid = c.create("incremental", requests);
        Response started = c.startResponse(cid);
        String run = started.then().statusCode(202).extract().path("run_id");
        String since = started.path("created_at");

        String path = "/v1/collections/" + cid + "/runs/" + run + "/jobs";
        List<Map<String, Object>> seen = new ArrayList<>();
        AtomicReference<String> cursor = new AtomicReference<>();
        AtomicInteger pollsWithNews = new AtomicInteger();
        await().atMost(CollectionsApi.RUN_TIME).pollInterval(Duration.ofMillis(150)).until(() -> {
            // the run's status is read first: if it had ended, this drain sees every outcome
            boolean ended = !"in_progress".equals(c.run(cid, run).getString("status"));
            int before = seen.size();
            while (true) {
                var r = c.api().req().queryParam("order_by", "completed_at").queryParam("since_completed_at", since)
                        .queryParam("limit", 5);
                if (cursor.get() != null) {
                    r = r.queryParam("cursor", cursor.get());
                }
                JsonPath page = r.get(path).then().statusCode(200).extract().jsonPath();
                seen.addAll(page.getList("items"));
                cursor.set(page.getString("cursor_next"));
                if (!page.getBoolean("has_more")) {
                    break;
                }
            }
            if (seen.size() > before) {
                pollsWithNews.incrementAndGet();
            }
            return ended;
        });

        assertThat(seen).hasSize(n);
        Set<Object> ids = new HashSet<>();
        seen.forEach(m -> assertThat(ids.add(m.get("custom_id"))).as("repeated %s", m.get("custom_id")).isTrue());
        assertThat(seen).extracting(m -> m.get("index")).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, n).boxed().toList());
        assertThat(pollsWithNews.get()).as("outcomes were picked up while the run went on").isGreaterThan(1);
        // the order is the order outcomes were stored, so completed_at never goes back
        List<OffsetDateTime> times = seen.stream().map(m -> OffsetDateTime.parse((String) m.get("completed_at"))).toList();
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i)).isAfterOrEqualTo(times.get(i - 1));
        }

        // since_completed_at alone gives exactly the outcomes stored from then on
        String from = (String) seen.get(10).get("completed_at");
        List<Map<String, Object>> later = c.requests(cid, run, Map.of("order_by", "completed_at", "since_completed_at", from));
        assertThat(later).extracting(m -> m.get("custom_id")).containsExactlyElementsOf(
                seen.stream().filter(m -> !OffsetDateTime.parse((String) m.get("completed_at"))
                        .isBefore(OffsetDateTime.parse(from))).map(m -> m.get("custom_id")).toList());
        assertThat(later).isNotEmpty();

        // a cursor belongs to its query
        c.api().req().queryParam("order_by", "index").queryParam("cursor", cursor.get()).get(path)
                .then().statusCode(400).contentType(PROBLEM).body("type", equalTo("https://batchwire.dev/problems/invalid-cursor"));
        c.api().req().queryParam("since_completed_at", "yesterday").get(path)
                .then().statusCode(400).contentType(PROBLEM).body("field", equalTo("since_completed_at"));
    }

    @Test
    void reRunHoldsExactlyTheRequestsThatDidNotSucceed() {
        CollectionsApi c = CollectionsApi.newTenant();
        String ok = key("ok-");
        String missing = key("missing-");
        String flaky = key("flaky-4-"); // fails all 4 attempts of the first run, succeeds in the re-run
        String slow = key("slow-");
        String cid = c.create("with failures",
                List.of(get("ok", ok), get("missing", missing), get("flaky", flaky), get("slow", slow)));
        String first = c.start(cid);

        // not while it is still going
        c.api().req().body(Map.of("only_failed_from", first)).post("/v1/collections/" + cid + "/runs")
                .then().statusCode(409).contentType(PROBLEM).body("type", equalTo("https://batchwire.dev/problems/run-in-progress"));

        JsonPath one = c.awaitEnd(cid, first, CollectionsApi.RUN_TIME);
        assertThat(one.getString("status")).isEqualTo("completed");
        assertThat(one.getInt("success_requests")).isEqualTo(1);
        assertThat(one.getInt("failed_requests")).isEqualTo(2);
        assertThat(one.getInt("timeout_requests")).isEqualTo(1);
        assertThat(one.getInt("total_requests")).isEqualTo(one.getInt("success_requests") + one.getInt("failed_requests")
                + one.getInt("timeout_requests"));
        assertThat(c.requests(cid, first, Map.of())).extracting(m -> m.get("status"))
                .containsExactly("completed", "failed", "failed", "timeout");

        Response re = c.api().req().body(Map.of("only_failed_from", first)).post("/v1/collections/" + cid + "/runs");
        re.then().statusCode(202).body("total_requests", equalTo(3)).body("rerun_of", equalTo(first))
                .body("status", equalTo("in_progress"));
        String second = re.path("run_id");
        // listed under the collection's own indexes, before and after the outcomes
        assertThat(c.requests(cid, second, Map.of())).extracting(m -> m.get("index")).containsExactly(1, 2, 3);
        JsonPath two = c.awaitEnd(cid, second, CollectionsApi.RUN_TIME);
        assertThat(two.getString("status")).isEqualTo("completed");
        assertThat(two.getInt("total_requests")).isEqualTo(3);
        assertThat(two.getInt("success_requests")).isEqualTo(1);
        assertThat(two.getInt("failed_requests")).isEqualTo(1);
        assertThat(two.getInt("timeout_requests")).isEqualTo(1);
        List<Map<String, Object>> listed = c.requests(cid, second, Map.of());
        assertThat(listed).extracting(m -> m.get("custom_id")).containsExactly("missing", "flaky", "slow");
        assertThat(listed).extracting(m -> m.get("status")).containsExactly("failed", "completed", "timeout");
        assertThat(listed.get(0).get("result_link")).isEqualTo("http://localhost:" + io.restassured.RestAssured.port + "/v1/collections/" + cid + "/runs/" + second + "/jobs/1/result");

        String base = "/v1/collections/" + cid + "/runs/" + second + "/jobs/";
        c.api().req().get(base + "2/result").then().statusCode(200)
                .body("index", equalTo(2)).body("custom_id", equalTo("flaky")).body("result.key", equalTo(flaky))
                .body("result.attempt", greaterThanOrEqualTo(5));
        c.api().req().get(base + "flaky/result").then().statusCode(200).body("index", equalTo(2));
        c.api().req().get(base + "0/result").then().statusCode(404).contentType(PROBLEM); // "ok" was not re-run

        // a re-run of the re-run: only what still failed, in the collection's indexes
        Response third = c.api().req().body(Map.of("only_failed_from", second)).post("/v1/collections/" + cid + "/runs");
        third.then().statusCode(202).body("total_requests", equalTo(2)).body("rerun_of", equalTo(second));
        String thirdId = third.path("run_id");
        assertThat(c.requests(cid, thirdId, Map.of())).extracting(m -> m.get("custom_id")).containsExactly("missing", "slow");
        assertThat(c.requests(cid, thirdId, Map.of())).extracting(m -> m.get("index")).containsExactly(1, 3);
        c.api().req().post("/v1/jobs/" + thirdId + "/cancel").then().statusCode(200);
        JsonPath cancelled = c.awaitEnd(cid, thirdId, CollectionsApi.RUN_TIME);
        assertThat(cancelled.getString("status")).isEqualTo("cancelled");
        assertThat(cancelled.getInt("total_requests")).isEqualTo(cancelled.getInt("success_requests")
                + cancelled.getInt("failed_requests") + cancelled.getInt("timeout_requests") + cancelled.getInt("cancelled_requests"));
        assertThat(cancelled.getInt("pending_requests")).isZero();
    }

    @Test
    void aRunWithNothingFailedHasNothingToReRun() {
        CollectionsApi c = CollectionsApi.newTenant();
        String cid = c.create("all good", List.of(get(null, key("ok-"))));
        String run = c.start(cid);
        c.awaitEnd(cid, run, CollectionsApi.RUN_TIME);
        c.api().req().body(Map.of("only_failed_from", run)).post("/v1/collections/" + cid + "/runs")
                .then().statusCode(409).contentType(PROBLEM)
                .body("type", equalTo("https://batchwire.dev/problems/nothing-to-rerun"))
                .body("detail", containsString(run));
        c.api().req().body(Map.of("only_failed_from", UUID.randomUUID().toString())).post("/v1/collections/" + cid + "/runs")
                .then().statusCode(400).contentType(PROBLEM).body("field", equalTo("only_failed_from"));
        c.api().req().get("/v1/collections/" + cid + "/runs").then().statusCode(200).body("items.run_id", contains(run));
    }
}
