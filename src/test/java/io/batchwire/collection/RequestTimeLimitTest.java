package io.batchwire.collection;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.batchwire.collection.CollectionsApi.get;
import static io.batchwire.collection.CollectionsApi.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The worker-level time limit of a collection's requests ({@code request_timeout_seconds}, default
 * {@code batchwire.collections.request-timeout}, 30 s): a request still without its answer at the limit is timeout
 * and counted in {@code timeout_requests}, even though each of its attempts would have had longer (the http upstream's
 * timeout is 2 s in tests); a collection without the field has the default.
 */
@QuarkusTest
class RequestTimeLimitTest {

    @Test
    void aRequestPastItsCollectionsTimeLimitIsTimedOutAndCounted() {
        CollectionsApi c = CollectionsApi.newTenant();
        // answers after 1.5 s: within one attempt's 2 s, past the collection's 1 s
        String slow = key("delay-1500-");
        String fast = key("ok-");
        Map<String, Object> body = new HashMap<>(CollectionsApi.body("short limit", List.of(get("slow", slow), get("fast", fast))));
        body.put("request_timeout_seconds", 1);
        String cid = c.api().req().body(body).post("/v1/collections").then().statusCode(201)
                .body("request_timeout_seconds", equalTo(1)).extract().path("id");
        String run = c.start(cid);
        JsonPath done = c.awaitEnd(cid, run, CollectionsApi.RUN_TIME);
        assertThat(done.getString("status")).isEqualTo("completed");
        assertThat(done.getInt("timeout_requests")).isEqualTo(1);
        assertThat(done.getInt("success_requests")).isEqualTo(1);
        assertThat(done.getInt("failed_requests")).isZero();
        Map<String, Object> timedOut = c.requests(cid, run, Map.of("status_filter", "timeout")).getFirst();
        assertThat(timedOut.get("custom_id")).isEqualTo("slow");
        assertThat(timedOut.get("attempts")).as("no retry past the limit").isEqualTo(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) timedOut.get("error");
        assertThat(error.get("code")).isEqualTo("time_limit");
        assertThat(error.get("message").toString()).contains("1000 ms");

        // the same request in a collection with the default limit (30 s) succeeds
        String patient = c.create("default limit", List.of(get("slow", key("delay-1500-"))));
        c.api().req().get("/v1/collections/" + patient).then().statusCode(200).body("request_timeout_seconds", equalTo(30));
        JsonPath ok = c.awaitEnd(patient, c.start(patient), CollectionsApi.RUN_TIME);
        assertThat(ok.getInt("success_requests")).isEqualTo(1);
        assertThat(ok.getInt("timeout_requests")).isZero();

        // the dialect takes the same field, as a seed client would send it
        Map<String, Object> seed = new HashMap<>(CollectionsApi.body("seed client", List.of(Map.of("url",
                CollectionsApi.url(key("delay-1500-")).replace("http://", ""), "browser", false))));
        seed.put("request_timeout_seconds", 1);
        String dialect = c.api().req().body(seed).post("/v1/async/collections").then().statusCode(201).extract().path("id");
        c.api().req().get("/v1/async/collections/" + dialect).then().statusCode(200).body("request_timeout_seconds", equalTo(1));
    }

    @Test
    void aTimeLimitOutOfRangeIsRefusedAndNothingIsCreated() {
        CollectionsApi c = CollectionsApi.newTenant();
        for (Object bad : List.of(0, -5, 100_000, "soon")) {
            Map<String, Object> body = new HashMap<>(CollectionsApi.body("bad", List.of(get(null, key("ok-")))));
            body.put("request_timeout_seconds", bad);
            c.api().req().body(body).post("/v1/collections").then().statusCode(400)
                    .contentType("application/problem+json");
        }
        c.api().req().get("/v1/collections").then().statusCode(200).body("items.size()", equalTo(0));
    }
}
