package io.batchwire.collection;

import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.batchwire.collection.CollectionsApi.get;
import static io.batchwire.collection.CollectionsApi.key;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Creating, reading, listing and deleting collections; bad input; another tenant's collection. */
@QuarkusTest
class CollectionApiTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void createWithIdempotentRetryReturnsTheOriginal() {
        CollectionsApi c = CollectionsApi.newTenant();
        Api api = c.api();
        String idem = UUID.randomUUID().toString();
        Map<String, Object> post = new HashMap<>(get(null, "ok-post"));
        post.put("method", "post");
        post.put("headers", Map.of("X-Test", "yes"));
        post.put("body", Map.of("q", "batchwire"));
        Map<String, Object> body = CollectionsApi.body("nightly", List.of(get("status", "ok-status"), post));

        Response first = api.req().header("Idempotency-Key", idem).body(body).post("/v1/collections");
        first.then().statusCode(201)
                .body("name", equalTo("nightly"))
                .body("request_count", equalTo(2))
                .body("created_at", notNullValue())
                .body("requests[0].index", equalTo(0))
                .body("requests[0].custom_id", equalTo("status"))
                .body("requests[0].url", equalTo(CollectionsApi.url("ok-status")))
                .body("requests[1].index", equalTo(1))
                .body("requests[1]", not(hasKey("custom_id")))
                .body("requests[1].method", equalTo("post"))
                .body("requests[1].body.q", equalTo("batchwire"));
        assertThat(first.header("Idempotent-Replayed")).isNull();
        String id = first.path("id");
        assertThat(first.header("Location")).endsWith("/v1/collections/" + id);

        Response again = api.req().header("Idempotency-Key", idem).body(body).post("/v1/collections");
        again.then().statusCode(201).header("Idempotent-Replayed", "true")
                .body("id", equalTo(id)).body("request_count", equalTo(2)).body("requests[0].custom_id", equalTo("status"));
        assertThat(again.header("Location")).endsWith("/v1/collections/" + id);

        api.req().header("Idempotency-Key", idem).body(CollectionsApi.body("other", List.of(get(null, "ok-other"))))
                .post("/v1/collections").then().statusCode(422).contentType(PROBLEM)
                .body("type", equalTo("https://batchwire.dev/problems/idempotency-key-reused"));

        assertThat(Db.count("SELECT count(*) FROM collections WHERE tenant_id = ?", api.tenant().id())).isOne();
        assertThat(Db.count("SELECT count(*) FROM collection_requests r JOIN collections c ON c.id = r.collection_id "
                + "WHERE c.tenant_id = ?", api.tenant().id())).isEqualTo(2);

        api.req().get("/v1/collections/" + id).then().statusCode(200)
                .body("id", equalTo(id)).body("name", equalTo("nightly"))
                .body("requests.custom_id", contains("status", null))
                .body("requests[1].headers.X-Test", equalTo("yes"))
                .body("runs_link", equalTo("http://localhost:" + io.restassured.RestAssured.port + "/v1/collections/" + id + "/runs"));
    }

    @Test
    void listIsNewestFirstInCursorPagesWithoutRequests() {
        CollectionsApi c = CollectionsApi.newTenant();
        String a = c.create("a", List.of(get(null, "ok-a")));
        String b = c.create("b", List.of(get(null, "ok-b")));
        String d = c.create("d", List.of(get(null, "ok-d")));

        var first = c.api().req().queryParam("limit", 2).get("/v1/collections").then().statusCode(200)
                .body("items.id", contains(d, b)).body("has_more", equalTo(true))
                .body("items[0]", not(hasKey("requests"))).body("items[0].request_count", equalTo(1))
                .extract().jsonPath();
        c.api().req().queryParam("limit", 2).queryParam("cursor", first.getString("cursor_next")).get("/v1/collections")
                .then().statusCode(200).body("items.id", contains(a)).body("has_more", equalTo(false));
        c.api().req().queryParam("cursor", "not-a-cursor").get("/v1/collections").then().statusCode(400).contentType(PROBLEM)
                .body("type", equalTo("https://batchwire.dev/problems/invalid-cursor"));
    }

    @Test
    void badInputIsAProblemAndStoresNothing() {
        CollectionsApi c = CollectionsApi.newTenant();
        Api api = c.api();
        List<Object[]> cases = List.of(
                new Object[]{Map.of("requests", List.of(get(null, "ok-x"))), "name"},
                new Object[]{Map.of("name", " ", "requests", List.of(get(null, "ok-x"))), "name"},
                new Object[]{Map.of("name", "n"), "requests"},
                new Object[]{Map.of("name", "n", "requests", List.of()), "requests"},
                new Object[]{Map.of("name", "n", "requests", List.of("not an object")), "requests[0]"},
                new Object[]{Map.of("name", "n", "requests", List.of(get(null, "ok-x"),
                        Map.of("url", "http://example.com/x"))), "requests[1].url"},
                new Object[]{Map.of("name", "n", "requests", List.of(Map.of("url", "ftp://127.0.0.1/x"))), "requests[0].url"},
                new Object[]{Map.of("name", "n", "requests", List.of(Map.of("method", "GET"))), "requests[0].url"},
                new Object[]{Map.of("name", "n", "requests", List.of(Map.of("url", CollectionsApi.url("ok-x"), "method", "BREW"))),
                        "requests[0].method"},
                new Object[]{Map.of("name", "n", "requests", List.of(Map.of("url", CollectionsApi.url("ok-x"), "extra", 1))),
                        "requests[0].extra"},
                new Object[]{Map.of("name", "n", "requests", List.of(get("same", "ok-x"), get("same", "ok-y"))),
                        "requests[1].custom_id"},
                new Object[]{Map.of("name", "n", "requests", List.of(Map.of("url", CollectionsApi.url("ok-x"), "custom_id", 7))),
                        "requests[0].custom_id"},
                new Object[]{Map.of("name", "n", "requests", List.of(get(null, "ok-x")), "webhook_url", "http://10.1.2.3/hook"),
                        "webhook_url"},
                new Object[]{Map.of("name", "n", "requests", List.of(get(null, "ok-x")), "surprise", true), "surprise"});
        for (Object[] bad : cases) {
            api.req().header("Idempotency-Key", UUID.randomUUID().toString()).body(bad[0]).post("/v1/collections")
                    .then().statusCode(400).contentType(PROBLEM)
                    .body("type", equalTo("https://batchwire.dev/problems/validation-error"))
                    .body("field", equalTo(bad[1]));
        }
        api.req().body("{\"name\": \"n\", \"requests\": [").post("/v1/collections").then().statusCode(400).contentType(PROBLEM);
        api.req().header("Idempotency-Key", "x".repeat(300)).body(CollectionsApi.body("n", List.of(get(null, "ok-x"))))
                .post("/v1/collections").then().statusCode(400).contentType(PROBLEM).body("field", equalTo("Idempotency-Key"));
        // more requests than one job may hold
        api.req().body(CollectionsApi.body("n", Api.records(1001, i -> get(null, "ok-" + i)))).post("/v1/collections")
                .then().statusCode(413).contentType(PROBLEM).body("type", equalTo("https://batchwire.dev/problems/too-many-records"));
        assertThat(Db.count("SELECT count(*) FROM collections WHERE tenant_id = ?", api.tenant().id())).isZero();
        assertThat(Db.count("SELECT count(*) FROM idempotency_keys WHERE tenant_id = ?", api.tenant().id())).isZero();

        // more than the plan allows in one job: refused with the plan's limit, and the key is given back
        Db.plan("t-col-two", 2, 20, 100_000, 86_400, null);
        Api small = new Api(Db.newTenant("t-col-two"));
        String idem = UUID.randomUUID().toString();
        small.req().header("Idempotency-Key", idem)
                .body(CollectionsApi.body("n", List.of(get(null, "ok-1"), get(null, "ok-2"), get(null, "ok-3"))))
                .post("/v1/collections").then().statusCode(413).contentType(PROBLEM)
                .body("type", equalTo("https://batchwire.dev/problems/too-many-records"))
                .body("extensions.plan", equalTo("t-col-two")).body("extensions.limit", equalTo(2));
        assertThat(Db.count("SELECT count(*) FROM collections WHERE tenant_id = ?", small.tenant().id())).isZero();
        assertThat(Db.count("SELECT count(*) FROM idempotency_keys WHERE tenant_id = ?", small.tenant().id())).isZero();
        small.req().header("Idempotency-Key", idem).body(CollectionsApi.body("n", List.of(get(null, "ok-1"), get(null, "ok-2"))))
                .post("/v1/collections").then().statusCode(201).header("Idempotent-Replayed", (String) null);

        // malformed ids are simply not found
        api.req().get("/v1/collections/nope").then().statusCode(404).contentType(PROBLEM);
        api.req().post("/v1/collections/nope/runs").then().statusCode(404).contentType(PROBLEM);
        api.req().get("/v1/collections/" + UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void deleteRemovesTheCollectionWhileItsRunsStayReadableAsJobs() {
        CollectionsApi c = CollectionsApi.newTenant();
        String idem = UUID.randomUUID().toString();
        Map<String, Object> body = CollectionsApi.body("to delete", List.of(get("only", key("ok-del-"))));
        String cid = c.api().req().header("Idempotency-Key", idem).body(body).post("/v1/collections")
                .then().statusCode(201).extract().path("id");
        String run = c.start(cid);
        c.awaitEnd(cid, run, CollectionsApi.RUN_TIME);

        c.api().req().delete("/v1/collections/" + cid).then().statusCode(204);
        c.api().req().get("/v1/collections/" + cid).then().statusCode(404).contentType(PROBLEM);
        c.api().req().delete("/v1/collections/" + cid).then().statusCode(404).contentType(PROBLEM);
        c.api().req().get("/v1/collections/" + cid + "/runs").then().statusCode(404);
        c.api().req().get("/v1/collections/" + cid + "/runs/" + run).then().statusCode(404);
        c.api().req().post("/v1/collections/" + cid + "/runs").then().statusCode(404);
        c.api().req().get("/v1/collections").then().statusCode(200).body("items.size()", equalTo(0));
        assertThat(Db.count("SELECT count(*) FROM collection_requests WHERE collection_id = ?::uuid", cid)).isZero();

        // the run is a job, and stays one
        c.api().req().get("/v1/jobs/" + run).then().statusCode(200)
                .body("collection_id", equalTo(cid)).body("state", equalTo("completed"));
        c.api().req().get("/v1/jobs/" + run + "/results/only").then().statusCode(200).body("status", equalTo("succeeded"));

        // the key that created it does not bring it back
        c.api().req().header("Idempotency-Key", idem).body(body).post("/v1/collections").then().statusCode(410)
                .contentType(PROBLEM).body("type", equalTo("https://batchwire.dev/problems/collection-deleted"));
    }

    @Test
    void anotherTenantsCollectionAndRunsAre404Everywhere() {
        CollectionsApi owner = CollectionsApi.newTenant();
        CollectionsApi stranger = CollectionsApi.newTenant();
        String cid = owner.create("mine", List.of(get("mine", key("ok-iso-"))));
        String run = owner.start(cid);
        owner.awaitEnd(cid, run, CollectionsApi.RUN_TIME);
        String other = stranger.create("theirs", List.of(get(null, key("ok-iso-"))));

        List<String[]> endpoints = List.of(
                new String[]{"GET", "/v1/collections/{cid}", "200"},
                new String[]{"GET", "/v1/collections/{cid}/runs", "200"},
                new String[]{"GET", "/v1/collections/{cid}/runs?status_filter=in_progress", "200"},
                new String[]{"GET", "/v1/collections/{cid}/runs/{run}", "200"},
                new String[]{"GET", "/v1/collections/{cid}/runs/{run}/jobs", "200"},
                new String[]{"GET", "/v1/collections/{cid}/runs/{run}/jobs/0/result", "200"},
                new String[]{"GET", "/v1/collections/{cid}/runs/{run}/jobs/mine/result", "200"},
                new String[]{"GET", "/v1/jobs/{run}", "200"});
        for (String[] e : endpoints) {
            String path = e[1].replace("{cid}", cid).replace("{run}", run);
            stranger.api().req().request(e[0], path).then().statusCode(404).contentType(PROBLEM)
                    .body("type", equalTo("https://batchwire.dev/problems/not-found"));
            owner.api().req().request(e[0], path).then().statusCode(Integer.parseInt(e[2]));
        }
        // the stranger cannot reach the run through its own collection either, nor start or delete the owner's
        stranger.api().req().get("/v1/collections/" + other + "/runs/" + run).then().statusCode(404);
        stranger.api().req().body(Map.of("only_failed_from", run)).post("/v1/collections/" + other + "/runs")
                .then().statusCode(400).body("field", equalTo("only_failed_from"));
        stranger.api().req().post("/v1/collections/" + cid + "/runs").then().statusCode(404);
        stranger.api().req().delete("/v1/collections/" + cid).then().statusCode(404);
        stranger.api().req().get("/v1/collections").then().statusCode(200).body("items.id", contains(other));
        owner.api().req().get("/v1/collections/" + cid).then().statusCode(200);
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", stranger.api().tenant().id())).isZero();
    }

    @Test
    void runsStartWithOrWithoutABodyAndRefuseBadOnes() {
        given().get("/v1/collections").then().statusCode(401).contentType(PROBLEM);
        CollectionsApi c = CollectionsApi.newTenant();
        // a run may be started with no body and no content type at all
        String cid = c.create("bare", List.of(get(null, key("ok-bare-"))));
        given().header("X-API-Key", c.api().tenant().apiKey()).post("/v1/collections/" + cid + "/runs")
                .then().statusCode(202).body("status", equalTo("in_progress")).body("rerun_of", nullValue());
        c.api().req().body("{}").post("/v1/collections/" + cid + "/runs").then().statusCode(202);
        c.api().req().body("{\"only_failed_from\": ").post("/v1/collections/" + cid + "/runs").then().statusCode(400)
                .contentType(PROBLEM).body("type", equalTo("https://batchwire.dev/problems/malformed-json"));
        c.api().req().body("[]").post("/v1/collections/" + cid + "/runs").then().statusCode(400).contentType(PROBLEM);
        c.api().req().body(Map.of("only_failed_from", "x")).post("/v1/collections/" + cid + "/runs")
                .then().statusCode(400).contentType(PROBLEM).body("field", equalTo("only_failed_from"));
        c.api().req().body(Map.of("surprise", 1)).post("/v1/collections/" + cid + "/runs")
                .then().statusCode(400).contentType(PROBLEM);
        c.api().req().get("/v1/collections/" + cid + "/runs?status_filter=done").then().statusCode(400)
                .contentType(PROBLEM).body("field", equalTo("status_filter"));
        await(c, cid);
    }

    private static void await(CollectionsApi c, String cid) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                c.api().req().get("/v1/collections/" + cid + "/runs?status_filter=in_progress").then()
                        .statusCode(200).body("items.size()", equalTo(0)));
    }
}
