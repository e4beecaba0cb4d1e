package io.batchwire.demo;

import io.batchwire.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's three steps against the demo upstream's paginated organizations endpoint, served by the service
 * itself (as in the quickstart): query, poll, download; and a query the endpoint refuses ends in failure.
 */
@QuarkusTest
@TestProfile(DemoExportTest.Demo.class)
class DemoExportTest {

    public static class Demo implements QuarkusTestProfile {
        private static final int PORT = freePort();

        @Override
        public Map<String, String> getConfigOverrides() {
            // the demo's own upstreams, as the quickstart's demo profile has them (the demo renderer included)
            return Map.of("batchwire.demo.enabled", "true",
                    "quarkus.http.test-port", String.valueOf(PORT),
                    "batchwire.upstreams.organizations.url", "http://127.0.0.1:" + PORT + "/demo/upstream/organizations",
                    "batchwire.upstreams.browser.kind", "render",
                    "batchwire.upstreams.browser.url", "http://127.0.0.1:" + PORT + "/demo/upstream/render",
                    "batchwire.upstreams.browser.timeout", "10s");
        }

        private static int freePort() {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void queryPollDownload() {
        Api api = Api.newTenant();
        String link = api.req().queryParam("async_format", "csv").body(Map.of("limit", 2_500, "country", "FI"))
                .post("/api/v3/organizations/async/").then().statusCode(202).extract().path("link");
        JsonPath done = poll(api, link);
        assertThat(done.getString("state")).isEqualTo("completed");
        assertThat(done.getLong("progress")).isEqualTo(2_500);
        List<String> lines = new String(given().get(done.getString("download_link")).then().statusCode(200)
                .extract().asByteArray(), StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2_501);
        assertThat(lines.getFirst()).isEqualTo("business_id,name,website,country,employees");
        assertThat(lines.get(1)).isEqualTo("0000000-0,\"Demo Organization 0\",https://org-0.example,FI,1");
        assertThat(lines.get(2_500)).startsWith("0002499-9,\"Demo Organization 2499\",https://org-2499.example,FI,");
    }

    @Test
    void aQueryTheDemoEndpointRefusesIsAFailure() {
        Api api = Api.newTenant();
        String link = api.req().body(Map.of("limit", -1)).post("/api/v3/organizations/async/")
                .then().statusCode(202).extract().path("link");
        JsonPath done = poll(api, link);
        assertThat(done.getString("state")).isEqualTo("failure");
        assertThat(done.getString("error_msg")).contains("400").contains("'limit' must be a number");
    }

    private static JsonPath poll(Api api, String link) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                List.of("completed", "failure").contains(api.req().get(link).then().statusCode(200).extract().path("state")));
        return api.req().get(link).then().statusCode(200).extract().jsonPath();
    }
}
