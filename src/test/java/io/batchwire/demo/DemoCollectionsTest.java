package io.batchwire.demo;

import io.batchwire.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The README's collections example with a browser request, against the quickstart's demo upstreams (served by the
 * service itself): the demo renderer renders it (after its wait-for-timeout) and the run serves the HTML and the
 * screenshot. The README's page is www.example.com; here one that needs no internet (the test allows loopback only).
 */
@QuarkusTest
@TestProfile(DemoExportTest.Demo.class)
class DemoCollectionsTest {

    @Test
    void theReadmesBrowserRequestRunsAgainstTheDemoRenderer() {
        Api api = Api.newTenant();
        String demo = "127.0.0.1:" + io.restassured.RestAssured.port;
        String body = """
                {"name": "new collection", "requests": [
                  {"url": "http://%1$s/demo/upstream/companies?domain=stripe.com", "browser": false, "screenshot": false},
                  {"url": "%1$s/pricing", "custom_id": "example", "browser": true, "screenshot": true,
                   "actions": [{"type": "wait-for-timeout", "time": 300}]}]}""".formatted(demo);
        String cid = api.req().body(body).post("/v1/async/collections").then().statusCode(201).extract().path("id");
        String run = api.req().post("/v1/async/collections/" + cid + "/run").then().statusCode(202).extract().path("run_id");
        String runPath = "/v1/async/collections/" + cid + "/runs/" + run;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> "completed".equals(api.req().get(runPath).then().statusCode(200).extract().path("status")));
        String jobs = api.req().get(runPath + "/jobs").then().statusCode(200).extract().asString();
        api.req().get(runPath).then().body("total_requests", equalTo(2));
        assertThat(api.req().get(runPath).then().extract().<Integer>path("success_requests")).as(jobs).isEqualTo(2);
        JsonPath page = api.req().get(runPath + "/jobs/example/result").then().statusCode(200).extract().jsonPath();
        assertThat(page.getBoolean("browser")).isTrue();
        assertThat(page.getString("result")).contains("<h1>127.0.0.1</h1>").contains("after 1 action(s)");
        byte[] png = Base64.getDecoder().decode(page.getString("screenshot"));
        assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
        Map<String, Object> fetched = api.req().get(runPath + "/jobs/0/result").then().statusCode(200).extract().jsonPath().getMap("$");
        assertThat(fetched).doesNotContainKey("screenshot");
        assertThat(List.of(fetched.get("result").toString())).anyMatch(r -> r.contains("Stripe"));
    }
}
