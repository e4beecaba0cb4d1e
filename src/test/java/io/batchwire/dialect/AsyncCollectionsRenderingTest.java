package io.batchwire.dialect;

import io.batchwire.testing.Api;
import io.batchwire.testing.FakeUpstream;
import io.batchwire.testing.RenderingProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Seed 003's browser requests with a rendering upstream configured (the fake renderer on loopback): the seed's own
 * request shape ({@code browser: true}, {@code screenshot}, a {@code wait-for-timeout} action) is created, run through
 * the renderer under its limits, and its HTML and screenshot are stored and served; the actions reach the renderer
 * as given; a renderer that fails, is slow, answers too much or answers nonsense ends its request as any upstream
 * does. Without a renderer such requests are refused at create (AsyncCollectionsContractTest, default profile).
 */
@QuarkusTest
@TestProfile(RenderingProfile.class)
class AsyncCollectionsRenderingTest {

    private static String page(String key) {
        return "127.0.0.1:" + FakeUpstream.get().port() + "/anything/" + key;
    }

    private static String key(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String collections(String cid) {
        return "/v1/async/collections/" + cid;
    }

    private static JsonPath awaitCompleted(Api api, String cid, String run) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                !"in_progress".equals(api.req().get(collections(cid) + "/runs/" + run).then().statusCode(200)
                        .extract().path("status")));
        return api.req().get(collections(cid) + "/runs/" + run).then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Map<String, Object>> jobsByCustomId(Api api, String cid, String run) {
        List<Map<String, Object>> items = api.req().queryParam("limit", 500)
                .get(collections(cid) + "/runs/" + run + "/jobs").then().statusCode(200).extract().jsonPath().getList("items");
        Map<String, Map<String, Object>> out = new HashMap<>();
        items.forEach(i -> out.put((String) i.get("custom_id"), i));
        return out;
    }

    @Test
    void theSeedsBrowserRequestsAreRenderedAndTheirHtmlAndScreenshotServed() {
        Api api = Api.newTenant();
        String shot = key("shot-");
        String plain = key("plain-");
        String fetched = key("page-");
        // the seed's request shape, the url without a scheme; one with a screenshot and two actions, one without
        String body = """
                {"name": "new collection", "requests": [
                  {"url": "%s", "custom_id": "shot", "browser": true, "screenshot": true,
                   "actions": [{"type": "wait-for-timeout", "time": 50}, {"type": "click", "selector": "#more"}]},
                  {"url": "http://%s", "custom_id": "plain", "browser": true, "screenshot": false,
                   "actions": [{"type": "wait-for-timeout", "time": 20}]},
                  {"url": "http://%s", "custom_id": "fetched", "browser": false}
                ]}""".formatted(page(shot), page(plain), page(fetched));
        String cid = api.req().body(body).post("/v1/async/collections").then().statusCode(201)
                .body("message", equalTo("Collection created successfully.")).extract().path("id");
        String run = api.req().post(collections(cid) + "/run").then().statusCode(202)
                .body("status", equalTo("in_progress")).body("total_requests", equalTo(3)).extract().path("run_id");

        JsonPath done = awaitCompleted(api, cid, run);
        assertThat(done.getString("status")).isEqualTo("completed");
        assertThat(done.getInt("success_requests")).isEqualTo(3);
        assertThat(done.getInt("failed_requests") + done.getInt("timeout_requests")).isZero();

        // the renderer was sent {url, screenshot, actions}: the actions exactly as the request gave them
        List<JsonObject> sent = FakeUpstream.get().renders(shot);
        assertThat(sent).hasSize(1);
        assertThat(sent.getFirst().getString("url")).isEqualTo("https://" + page(shot));
        assertThat(sent.getFirst().getBoolean("screenshot")).isTrue();
        assertThat(sent.getFirst().getJsonArray("actions")).isEqualTo(new JsonArray()
                .add(new JsonObject().put("type", "wait-for-timeout").put("time", 50))
                .add(new JsonObject().put("type", "click").put("selector", "#more")));
        assertThat(FakeUpstream.get().renders(plain).getFirst().getBoolean("screenshot")).isFalse();
        assertThat(FakeUpstream.get().renders(fetched)).as("browser: false is fetched, not rendered").isEmpty();
        assertThat(FakeUpstream.get().requests(fetched)).hasSize(1);

        // the listing marks browser requests; the result serves the HTML and the screenshot
        Map<String, Map<String, Object>> jobs = jobsByCustomId(api, cid, run);
        assertThat(jobs.get("shot").get("browser")).isEqualTo(true);
        assertThat(jobs.get("shot").get("status")).isEqualTo("completed");
        assertThat(jobs.get("shot").get("status_code")).isEqualTo(200);
        assertThat(jobs.get("fetched")).doesNotContainKey("browser");
        JsonPath result = api.req().get(collections(cid) + "/runs/" + run + "/jobs/" + jobs.get("shot").get("job_id") + "/result")
                .then().statusCode(200).extract().jsonPath();
        assertThat(result.getString("result")).isEqualTo(FakeUpstream.htmlOf(shot, 2));
        assertThat(result.getString("screenshot")).isEqualTo(FakeUpstream.screenshotOf(shot));
        JsonPath noShot = api.req().get(collections(cid) + "/runs/" + run + "/jobs/plain/result").then().statusCode(200)
                .extract().jsonPath();
        assertThat(noShot.getString("result")).isEqualTo(FakeUpstream.htmlOf(plain, 1));
        assertThat(noShot.getMap("$")).containsKey("screenshot");
        assertThat(noShot.getString("screenshot")).isNull();
        // the engine's own API stores both, as {html, screenshot}
        api.req().get("/v1/collections/" + cid + "/runs/" + run + "/jobs/shot/result").then().statusCode(200)
                .body("browser", equalTo(true))
                .body("result.html", equalTo(FakeUpstream.htmlOf(shot, 2)))
                .body("result.screenshot", equalTo(FakeUpstream.screenshotOf(shot)));
        // the stored request is a browser request
        api.req().get(collections(cid)).then().statusCode(200)
                .body("requests[0].browser", equalTo(true)).body("requests[2].browser", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void rendererFailuresTimeOutsAndOversizedAnswersEndTheirRequestsAsAnyUpstreamDoes() {
        Api api = Api.newTenant();
        String fail = key("rfail-");
        String flaky = key("rflaky-1-");
        String slow = key("rslow-");
        String huge = key("rhuge-");
        String bad = key("rbad-");
        String noHtml = key("rnohtml-");
        String missing = key("r404-");
        String captcha = key("rcaptcha-");
        List<Map<String, Object>> requests = List.of(
                browser("fail", fail), browser("flaky", flaky), browser("slow", slow), browser("huge", huge),
                browser("bad", bad), browser("nohtml", noHtml), browser("missing", missing), browser("captcha", captcha));
        String cid = api.req().body(Map.of("name", "renderer failures", "requests", requests)).post("/v1/async/collections")
                .then().statusCode(201).extract().path("id");
        String run = api.req().post(collections(cid) + "/run").then().statusCode(202).extract().path("run_id");

        JsonPath done = awaitCompleted(api, cid, run);
        assertThat(done.getString("status")).isEqualTo("completed");
        assertThat(done.getInt("total_requests")).isEqualTo(8);
        assertThat(done.getInt("success_requests")).as("only the flaky one, on its retry").isEqualTo(1);
        assertThat(done.getInt("timeout_requests")).as("the slow renderer").isEqualTo(1);
        assertThat(done.getInt("failed_requests")).isEqualTo(6);

        Map<String, Map<String, Object>> jobs = jobsByCustomId(api, cid, run);
        assertThat(error(jobs.get("fail"))).isEqualTo("upstream_status");
        assertThat(jobs.get("fail").get("status_code")).isEqualTo(500);
        assertThat(jobs.get("fail").get("attempts")).as("retried up to the renderer's max-attempts").isEqualTo(2);
        assertThat(FakeUpstream.get().renders(fail)).hasSize(2);
        assertThat(jobs.get("flaky").get("status")).isEqualTo("completed");
        assertThat(jobs.get("flaky").get("attempts")).isEqualTo(2);
        assertThat(jobs.get("slow").get("status")).isEqualTo("timeout");
        assertThat(jobs.get("slow").get("attempts")).isEqualTo(2);
        assertThat(error(jobs.get("huge"))).isEqualTo("response_too_large");
        assertThat(error(jobs.get("bad"))).isEqualTo("bad_render");
        assertThat(error(jobs.get("nohtml"))).isEqualTo("bad_render");
        assertThat(error(jobs.get("missing"))).isEqualTo("upstream_status");
        assertThat(jobs.get("missing").get("status_code")).as("the page's own status").isEqualTo(404);
        assertThat(error(jobs.get("captcha"))).isEqualTo("blocked");
        assertThat(jobs.get("captcha").get("status")).isEqualTo("failed");
        // the renderer's calls are counted under its own name
        assertThat(api.req().get("/q/metrics").then().extract().asString())
                .contains("batchwire_upstream_record_duration_seconds_count{status=\"failed\",upstream=\"browser\"}");
    }

    @Test
    void browserRequestsTheRendererCannotTakeAreRefusedAtCreate() {
        Api api = Api.newTenant();
        String url = "http://" + page(key("x-"));
        api.req().body(Map.of("name", "bad action", "requests", List.of(Map.of("url", url, "browser", true,
                        "actions", List.of(Map.of("type", "launch-missiles"))))))
                .post("/v1/async/collections").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("requests[0].actions[0].type"))
                .body("detail", containsString("wait-for-timeout"));
        api.req().body(Map.of("name", "too long a wait", "requests", List.of(Map.of("url", url, "browser", true,
                        "actions", List.of(Map.of("type", "wait-for-timeout", "time", 5000))))))
                .post("/v1/async/collections").then().statusCode(400)
                .body("errors[0].field", equalTo("requests[0].actions[0].time"));
        // the engine's API: a browser request is a page load (GET, no body), screenshot needs browser: true
        api.req().body(Map.of("name", "post", "requests", List.of(Map.of("url", url, "browser", true, "method", "POST",
                        "body", Map.of("a", 1)))))
                .post("/v1/collections").then().statusCode(400).body("errors.field",
                        org.hamcrest.Matchers.hasItems("requests[0].method", "requests[0].body"));
        api.req().body(Map.of("name", "shot", "requests", List.of(Map.of("url", url, "screenshot", true))))
                .post("/v1/collections").then().statusCode(400).body("errors[0].field", equalTo("requests[0].browser"));
        api.req().get("/v1/collections").then().statusCode(200).body("items.size()", equalTo(0));
        // a job of type browser is the renderer's own records: {url, screenshot, actions}
        String job = api.submit("browser", List.of(Map.of("custom_id", "direct", "url", "http://" + page(key("direct-")),
                "screenshot", true)));
        JsonPath ended = api.awaitFinal(job, Duration.ofSeconds(30));
        assertThat(ended.getInt("counts.succeeded")).isEqualTo(1);
    }

    private static Map<String, Object> browser(String customId, String key) {
        return Map.of("custom_id", customId, "url", "http://" + page(key), "browser", true, "screenshot", true);
    }

    @SuppressWarnings("unchecked")
    private static String error(Map<String, Object> job) {
        return ((Map<String, Object>) job.get("error")).get("code").toString();
    }
}
