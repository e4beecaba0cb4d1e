package io.batchwire.collection;

import io.batchwire.testing.Api;
import io.batchwire.testing.FakeUpstream;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/** Collection and run shortcuts over one tenant's {@link Api}, against the {@link FakeUpstream}. */
final class CollectionsApi {

    private final Api api;

    CollectionsApi(Api api) {
        this.api = api;
    }

    static CollectionsApi newTenant() {
        return new CollectionsApi(Api.newTenant());
    }

    Api api() {
        return api;
    }

    /** A GET of the fake upstream; the key (last path segment) chooses how it answers. */
    static Map<String, Object> get(String customId, String key) {
        Map<String, Object> r = new LinkedHashMap<>();
        if (customId != null) {
            r.put("custom_id", customId);
        }
        r.put("url", url(key));
        return r;
    }

    static String url(String key) {
        return "http://127.0.0.1:" + FakeUpstream.get().port() + "/anything/" + key;
    }

    /** A key unique to this test run, so the fake upstream's per-key counters start at zero. */
    static String key(String prefix) {
        return prefix + UUID.randomUUID();
    }

    static Map<String, Object> body(String name, List<?> requests) {
        return Map.of("name", name, "requests", requests);
    }

    /** Creates a collection and returns its id (asserting 201). */
    String create(String name, List<?> requests) {
        return api.req().body(body(name, requests)).post("/v1/collections").then().statusCode(201).extract().path("id");
    }

    Response startResponse(String cid) {
        return api.req().post("/v1/collections/" + cid + "/runs");
    }

    /** Starts a full run and returns its id (asserting 202). */
    String start(String cid) {
        return startResponse(cid).then().statusCode(202).extract().path("run_id");
    }

    /** Starts a run of the failures of {@code from} and returns its id (asserting 202). */
    String rerun(String cid, String from) {
        return api.req().body(Map.of("only_failed_from", from)).post("/v1/collections/" + cid + "/runs")
                .then().statusCode(202).extract().path("run_id");
    }

    JsonPath run(String cid, String runId) {
        return api.req().get("/v1/collections/" + cid + "/runs/" + runId).then().statusCode(200).extract().jsonPath();
    }

    /** Waits until the run has ended and returns it. */
    JsonPath awaitEnd(String cid, String runId, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200))
                .until(() -> !"in_progress".equals(run(cid, runId).getString("status")));
        return run(cid, runId);
    }

    /** Every listed request of a run, following cursors. */
    List<Map<String, Object>> requests(String cid, String runId, Map<String, ?> query) {
        List<Map<String, Object>> all = new ArrayList<>();
        String cursor = null;
        while (true) {
            var r = api.req().queryParams(query);
            if (cursor != null) {
                r = r.queryParam("cursor", cursor);
            }
            JsonPath page = r.get("/v1/collections/" + cid + "/runs/" + runId + "/jobs")
                    .then().statusCode(200).extract().jsonPath();
            all.addAll(page.getList("items"));
            if (!page.getBoolean("has_more")) {
                return all;
            }
            cursor = page.getString("cursor_next");
        }
    }

    static final Duration RUN_TIME = Duration.ofSeconds(60);
}
