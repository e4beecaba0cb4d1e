package io.batchwire.api;

import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Hostile bodies: each gets a 4xx problem+json, none a 5xx, none stores anything. */
@QuarkusTest
class HostileInputTest {

    static String nested(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    static Stream<Arguments> hostile() {
        String rec = "\"type\":\"company\",\"records\":";
        return Stream.of(
                Arguments.of("deeply nested metadata", "{" + rec + "[{\"domain\":\"a.com\"}],\"metadata\":" + nested(200) + "}"),
                Arguments.of("deeply nested record", "{" + rec + "[{\"domain\":\"a.com\",\"x\":" + nested(100) + "}]}"),
                Arguments.of("NUL in a record value", "{" + rec + "[{\"domain\":\"a\\u0000.com\"}]}"),
                Arguments.of("NUL in a field name", "{" + rec + "[{\"domain\":\"a.com\",\"x\\u0000\":1}]}"),
                Arguments.of("NUL in metadata", "{" + rec + "[{\"domain\":\"a.com\"}],\"metadata\":{\"k\":\"\\u0000\"}}"),
                Arguments.of("lone surrogate", "{" + rec + "[{\"domain\":\"\\ud800.com\"}]}"),
                Arguments.of("NUL in custom_id", "{" + rec + "[{\"custom_id\":\"a\\u0000\",\"domain\":\"a.com\"}]}"),
                Arguments.of("number of 200 digits", "{" + rec + "[{\"domain\":\"a.com\",\"n\":" + "9".repeat(200) + "}]}"),
                Arguments.of("very long custom_id", "{" + rec + "[{\"custom_id\":\"" + "x".repeat(10_000) + "\",\"domain\":\"a.com\"}]}"),
                Arguments.of("very long domain", "{" + rec + "[{\"domain\":\"" + "x".repeat(5_000) + "\"}]}"),
                Arguments.of("huge type", "{\"type\":\"" + "t".repeat(100_000) + "\",\"records\":[{\"domain\":\"a.com\"}]}"),
                Arguments.of("XML", "<job><type>company</type></job>"),
                Arguments.of("JSON null", "null"),
                Arguments.of("JSON string", "\"company\""),
                Arguments.of("null records", "{\"type\":\"company\",\"records\":null}"),
                Arguments.of("null record", "{" + rec + "[null]}"),
                Arguments.of("10,000 records", "{" + rec + "[" + "{\"domain\":\"a.com\"},".repeat(9_999) + "{\"domain\":\"a.com\"}]}"),
                Arguments.of("http url with credentials to a denied host", "{\"type\":\"http\",\"records\":[{\"url\":\"http://user:pw@10.0.0.1/\"}]}"),
                Arguments.of("http url without host", "{\"type\":\"http\",\"records\":[{\"url\":\"http:///x\"}]}"),
                Arguments.of("trailing garbage", "{" + rec + "[{\"domain\":\"a.com\"}]} trailing"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void refusedWithA4xxProblemAndNothingStored(String name, String body) {
        Api api = Api.newTenant();
        Response r = api.req().body(body).post("/v1/jobs");
        assertThat(r.statusCode()).as(name).isBetween(400, 499);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("detail")).doesNotContain("Exception").doesNotContain("io.batchwire");
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isZero();
    }

    @Test
    void invalidUtf8IsA400() {
        Api api = Api.newTenant();
        byte[] body = "{\"type\":\"company\",\"records\":[{\"domain\":\"a.com\"}],\"metadata\":{\"k\":\"\u00ff\"}}"
                .getBytes(StandardCharsets.ISO_8859_1);
        api.req().body(body).post("/v1/jobs").then().statusCode(400).contentType("application/problem+json");
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isZero();
    }

    @Test
    void aBodyOverTheSizeLimitIsRefusedBeforeParsing() {
        Api api = Api.newTenant();
        String big = "{\"type\":\"company\",\"records\":[{\"domain\":\"" + "x".repeat(5 * 1024 * 1024) + "\"}]}";
        api.req().body(big).post("/v1/jobs").then().statusCode(413).contentType("application/problem+json")
                .body("type", equalTo("https://batchwire.dev/problems/body-too-large"));
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isZero();
    }

    @Test
    void extremeButValidNumbersAreStoredAsWritten() {
        Api api = Api.newTenant();
        String id = api.req().body("{\"type\":\"company\",\"records\":[{\"domain\":\"ok-num.com\"}],\"metadata\":{\"big\":1e400,\"neg\":-0.0}}")
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        assertThat(api.job(id).getString("metadata.big")).isNotNull();
    }

    @Test
    void hostileQueryParametersAre4xx() {
        Api api = Api.newTenant();
        String id = api.submit("company", java.util.List.of(java.util.Map.of("domain", "ok-q.com")));
        for (String q : new String[]{"limit=99999999999", "limit=-1", "cursor=" + "A".repeat(10_000),
                "status_filter=" + "pending,".repeat(1000) + "x", "since_completed_at=9999-99-99"}) {
            Response r = api.req().get("/v1/jobs/" + id + "/results?" + q);
            assertThat(r.statusCode()).as(q).isBetween(400, 499);
        }
        api.req().get("/v1/jobs/..%2F..%2Fadmin").then().statusCode(404);
    }
}
