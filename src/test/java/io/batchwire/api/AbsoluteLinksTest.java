package io.batchwire.api;

import io.batchwire.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Every link the API hands out is absolute: on the request's Host, on trusted X-Forwarded-* headers, or on public-url. */
@QuarkusTest
class AbsoluteLinksTest {

    @Test
    void linksAndLocationAreBuiltOnTheRequestsHost() {
        Api api = Api.newTenant();
        String own = "http://localhost:" + RestAssured.port;
        var submitted = api.req().body(Map.of("type", "company", "records", List.of(Map.of("domain", "abs-1.com"))))
                .post("/v1/jobs").then().statusCode(202).extract();
        String id = submitted.path("id");
        assertThat(submitted.header("Location")).isEqualTo(own + "/v1/jobs/" + id);
        assertThat(submitted.<String>path("link")).isEqualTo(own + "/v1/jobs/" + id);
        assertThat(submitted.<String>path("results_link")).isEqualTo(own + "/v1/jobs/" + id + "/results");

        api.awaitFinal(id, Duration.ofSeconds(60));
        var done = api.req().get("/v1/jobs/" + id).then().statusCode(200).extract();
        assertThat(done.<String>path("download_link")).startsWith(own + "/v1/downloads/");
        // the absolute download link works as it is, without a key
        RestAssured.given().get(done.<String>path("download_link")).then().statusCode(200);
    }

    @Test
    void forwardedHeadersNameTheBaseBehindAProxy() {
        Api api = Api.newTenant();
        var submitted = api.req()
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "batch.example.com")
                .header("X-Forwarded-Prefix", "/bw")
                .body(Map.of("type", "company", "records", List.of(Map.of("domain", "abs-2.com"))))
                .post("/v1/jobs").then().statusCode(202).extract();
        String id = submitted.path("id");
        assertThat(submitted.header("Location")).isEqualTo("https://batch.example.com/bw/v1/jobs/" + id);
        assertThat(submitted.<String>path("link")).isEqualTo("https://batch.example.com/bw/v1/jobs/" + id);

        // list pages too
        var listed = api.req().header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "batch.example.com")
                .get("/v1/jobs").then().statusCode(200).extract();
        assertThat(listed.<String>path("items[0].link")).startsWith("https://batch.example.com/v1/jobs/");
    }

    @Test
    void malformedForwardedValuesAreIgnoredNotEchoed() {
        Api api = Api.newTenant();
        var submitted = api.req()
                .header("X-Forwarded-Proto", "javascript")
                .header("X-Forwarded-Host", "evil.example.com/<script>")
                .header("X-Forwarded-Prefix", "/../x\"y")
                .body(Map.of("type", "company", "records", List.of(Map.of("domain", "abs-3.com"))))
                .post("/v1/jobs").then().statusCode(202).extract();
        String id = submitted.path("id");
        assertThat(submitted.<String>path("link")).isEqualTo("http://localhost:" + RestAssured.port + "/v1/jobs/" + id);
    }

    @Test
    void publicUrlWinsOverHeaders() {
        PublicUrl urls = new PublicUrl(config(Optional.of("https://api.example.com/batch/"), true));
        assertThat(urls.absolute("/v1/jobs/1")).isEqualTo("https://api.example.com/batch/v1/jobs/1");
        assertThat(urls.absolute("https://elsewhere.example/x")).isEqualTo("https://elsewhere.example/x");
        assertThat(urls.absolute(null)).isNull();
    }

    @Test
    void forwardedHeadersCanBeDistrusted() {
        PublicUrl trusting = new PublicUrl(config(Optional.empty(), true));
        PublicUrl distrusting = new PublicUrl(config(Optional.empty(), false));
        assertThat(trusting.fromHeaders("http", "svc:8080", "https, http", "edge.example.com, svc", "/p/"))
                .isEqualTo("https://edge.example.com/p");
        assertThat(distrusting.fromHeaders("http", "svc:8080", "https", "edge.example.com", "/p"))
                .isEqualTo("http://svc:8080");
        assertThat(trusting.fromHeaders("http", "[::1]:9000", null, null, null)).isEqualTo("http://[::1]:9000");
    }

    private static HttpConfig config(Optional<String> publicUrl, boolean forwarded) {
        return new HttpConfig() {
            @Override
            public Optional<String> publicUrl() {
                return publicUrl;
            }

            @Override
            public boolean forwardedHeaders() {
                return forwarded;
            }

            @Override
            public java.time.Duration bodyTimeout() {
                return java.time.Duration.ofSeconds(60);
            }
        };
    }
}
