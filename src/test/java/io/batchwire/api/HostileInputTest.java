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
import java.time.Duration;
import java.util.List;
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

    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                Arguments.of("Latin-1 byte", new int[]{0xFF}),
                Arguments.of("overlong '/' (2 bytes)", new int[]{0xC0, 0xAF}),
                Arguments.of("overlong NUL", new int[]{0xC0, 0x80}),
                Arguments.of("overlong '/' (3 bytes)", new int[]{0xE0, 0x80, 0xAF}),
                Arguments.of("overlong '/' (4 bytes)", new int[]{0xF0, 0x80, 0x80, 0xAF}),
                Arguments.of("encoded surrogate (CESU-8)", new int[]{0xED, 0xA0, 0x80}),
                Arguments.of("above U+10FFFF", new int[]{0xF4, 0x90, 0x80, 0x80}),
                Arguments.of("5-byte form", new int[]{0xF8, 0x88, 0x80, 0x80, 0x80}),
                Arguments.of("lone continuation byte", new int[]{0x80}),
                Arguments.of("truncated 3-byte sequence", new int[]{0xE2, 0x82}),
                Arguments.of("truncated 4-byte sequence", new int[]{0xF0, 0x9F, 0x98}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void invalidUtf8OfAnyKindIsA400(String name, int[] bad) {
        Api api = Api.newTenant();
        for (String where : new String[]{"metadata", "record"}) {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            body.writeBytes(("{\"type\":\"company\",\"records\":[{\"domain\":\"a.com\"" + (where.equals("record") ? ",\"x\":\"" : "")
                    ).getBytes(StandardCharsets.US_ASCII));
            if (where.equals("record")) {
                for (int b : bad) {
                    body.write(b);
                }
                body.writeBytes("\"".getBytes(StandardCharsets.US_ASCII));
            }
            body.writeBytes("}],\"metadata\":{\"k\":\"".getBytes(StandardCharsets.US_ASCII));
            if (where.equals("metadata")) {
                for (int b : bad) {
                    body.write(b);
                }
            }
            body.writeBytes("\"}}".getBytes(StandardCharsets.US_ASCII));
            Response r = api.req().body(body.toByteArray()).post("/v1/jobs");
            assertThat(r.statusCode()).as(name + " in " + where).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.jsonPath().getString("detail")).as(name).contains("UTF-8");
        }
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isZero();
    }

    @Test
    void validUtf8OfEveryLengthIsAccepted() {
        Api api = Api.newTenant();
        // 1, 2, 3 and 4 bytes: 'a', e-acute, euro sign, an emoji (a surrogate pair in Java)
        String value = "a\u00e9\u20ac\ud83d\ude00";
        String id = api.req().body(("{\"type\":\"company\",\"records\":[{\"domain\":\"utf8-ok.com\"}],\"metadata\":{\"k\":\""
                        + value + "\"}}").getBytes(StandardCharsets.UTF_8))
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        assertThat(api.job(id).getString("metadata.k")).isEqualTo(value);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", " ", "xml", "json;x", "parquet", "tsv"})
    void anEmptyOrUnknownFormatIsA400(String format) {
        Api api = Api.newTenant();
        api.req().body(java.util.Map.of("type", "company", "records", java.util.List.of(java.util.Map.of("domain", "a.com")),
                        "result_url", "https://push.example.com/out", "format", format))
                .post("/v1/jobs").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("format"));
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
    void anOverSizeChunkedBodyIsA413ProblemTheClientCanRead() throws Exception {
        Api api = Api.newTenant();
        long size = 11L * 1024 * 1024;
        byte[] head = "{\"type\":\"company\",\"records\":[{\"domain\":\"".getBytes(StandardCharsets.US_ASCII);
        // no Content-Length: the body is sent chunked, and only its bytes can tell it is too large
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + "/v1/jobs"))
                .header("Content-Type", "application/json").header("X-API-Key", api.tenant().apiKey())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.InputStream() {
                    long sent;

                    @Override
                    public int read() {
                        return sent < size ? (sent < head.length ? head[(int) sent++] : (int) (sent++ % 26) + 97) : -1;
                    }
                }))
                .timeout(Duration.ofSeconds(60)).build();
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
            java.net.http.HttpResponse<String> r = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(io.restassured.path.json.JsonPath.from(r.body()).getString("type"))
                    .isEqualTo("https://batchwire.dev/problems/body-too-large");
            assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isZero();

            // the service is unharmed, and a chunked body within the limit is read as any other
            byte[] small = "{\"type\":\"company\",\"records\":[{\"domain\":\"chunked-ok.com\"}],\"metadata\":{\"k\":\"\u00e9\"}}"
                    .getBytes(StandardCharsets.UTF_8);
            java.net.http.HttpResponse<String> ok = client.send(java.net.http.HttpRequest.newBuilder(request.uri())
                    .header("Content-Type", "application/json").header("X-API-Key", api.tenant().apiKey())
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(small)))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
            assertThat(io.restassured.path.json.JsonPath.from(ok.body()).getString("metadata.k")).isEqualTo("\u00e9");
        }
        api.submit("company", java.util.List.of(java.util.Map.of("domain", "after-big.com")));
    }

    static Stream<String> hostileKeys() {
        return Stream.of("%00", "a%00b", "%0A", "%0D%0Aset-cookie:x", "%1B", "%7F", "%FF", "%C0%AF", "%ED%A0%80",
                "%25", "%2F", "..%2F..%2Fadmin", "'%20OR%201=1--", "%F0%9F%98%80", "x".repeat(1000),
                "00000000-0000-0000-0000-000000000000", "01a2317d-2cec-721e-a32a-265938ed52ca%00",
                "%7B%7D", "null", "-1", "9".repeat(40));
    }

    @ParameterizedTest
    @MethodSource("hostileKeys")
    void anyKeyInAPathIsA400Or404ProblemNever5xx(String key) {
        Api api = Api.newTenant();
        String job = api.submit("company", java.util.List.of(java.util.Map.of("domain", "keys-ok.com")));
        String[] gets = {"/v1/jobs/K", "/v1/jobs/K/results", "/v1/jobs/J/results/K", "/v1/jobs/K/download?format=csv",
                "/v1/jobs/K/deliveries", "/v1/collections/K", "/v1/collections/K/runs", "/v1/collections/K/runs/K",
                "/v1/collections/K/runs/K/jobs/K/result", "/v1/downloads/K"};
        for (String g : gets) {
            String path = g.replace("J", job).replace("K", key);
            Response r = api.req().urlEncodingEnabled(false).get(path);
            // a signed download link that does not verify is forbidden, whatever it holds
            assertThat(r.statusCode()).as("GET " + path).isIn(g.startsWith("/v1/downloads/") ? List.of(400, 403) : List.of(400, 404));
            assertThat(r.contentType()).as("GET " + path).startsWith("application/problem+json");
        }
        for (String p : new String[]{"/v1/jobs/K/cancel", "/v1/jobs/J/deliveries/K/redeliver"}) {
            String path = p.replace("J", job).replace("K", key);
            Response r = api.req().urlEncodingEnabled(false).post(path);
            assertThat(r.statusCode()).as("POST " + path).isIn(400, 404);
            assertThat(r.contentType()).as("POST " + path).startsWith("application/problem+json");
        }
        for (String a : new String[]{"/admin/v1/tenants/K", "/admin/v1/tenants/K/credits"}) {
            String path = a.replace("K", key);
            Response r = io.restassured.RestAssured.given().header("X-Admin-Key", Api.ADMIN_KEY).urlEncodingEnabled(false).get(path);
            assertThat(r.statusCode()).as("GET " + path).isIn(400, 404);
            assertThat(r.contentType()).as("GET " + path).startsWith("application/problem+json");
        }
    }

    @Test
    void anOverLongRequestLineIsA414NotAServerError() {
        Api api = Api.newTenant();
        Response r = api.req().get("/v1/jobs/" + "x".repeat(10_000));
        assertThat(r.statusCode()).isEqualTo(414);
    }

    @Test
    void aPathThatIsNotValidlyPercentEncodedIsA400() throws Exception {
        Api api = Api.newTenant();
        for (String path : new String[]{"/v1/jobs/%", "/v1/jobs/%zz", "/v1/jobs/%0", "/v1/jobs/x?limit=%"}) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + api.tenant().apiKey()
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).as(path).startsWith("HTTP/1.1 400");
            }
        }
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
