package io.batchwire.job;

import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;

@QuarkusTest
class BadInputTest {

    static final String PROBLEMS = "https://batchwire.dev/problems/";

    static Stream<Arguments> badSubmissions() {
        String okRecords = "[{\"domain\":\"a.com\"}]";
        String thousandAndOne = "[" + String.join(",", Collections.nCopies(1001, "{\"domain\":\"a.com\"}")) + "]";
        return Stream.of(
                Arguments.of("malformed JSON", "{\"type\": \"company\", \"records\": [", 400, "malformed-json", null),
                Arguments.of("body not an object", "[1,2]", 400, "validation-error", null),
                Arguments.of("empty body", "", 400, "validation-error", null),
                Arguments.of("missing type", "{\"records\":" + okRecords + "}", 400, "validation-error", "type"),
                Arguments.of("unknown type", "{\"type\":\"weather\",\"records\":" + okRecords + "}", 400, "validation-error", "type"),
                Arguments.of("type not a string", "{\"type\":{\"a\":1},\"records\":" + okRecords + "}", 400, "validation-error", "type"),
                Arguments.of("records missing", "{\"type\":\"company\"}", 400, "validation-error", "records"),
                Arguments.of("no records", "{\"type\":\"company\",\"records\":[]}", 400, "validation-error", "records"),
                Arguments.of("records not a list", "{\"type\":\"company\",\"records\":{\"domain\":\"a.com\"}}", 400, "validation-error", "records"),
                Arguments.of("1001 records", "{\"type\":\"company\",\"records\":" + thousandAndOne + "}", 413, "too-many-records", "records"),
                Arguments.of("record not an object", "{\"type\":\"company\",\"records\":[\"a.com\"]}", 400, "validation-error", "records[0]"),
                Arguments.of("record missing its field", "{\"type\":\"company\",\"records\":[{\"domain\":\"a.com\"},{\"name\":\"x\"}]}",
                        400, "validation-error", "records[1].domain"),
                Arguments.of("record field of wrong type", "{\"type\":\"company\",\"records\":[{\"domain\":[1]}]}",
                        400, "validation-error", "records[0].domain"),
                Arguments.of("duplicate custom_id", "{\"type\":\"company\",\"records\":[{\"custom_id\":\"a\",\"domain\":\"a.com\"},"
                        + "{\"custom_id\":\"b\",\"domain\":\"b.com\"},{\"custom_id\":\"a\",\"domain\":\"c.com\"}]}",
                        400, "validation-error", "records[2].custom_id"),
                Arguments.of("custom_id not a string", "{\"type\":\"company\",\"records\":[{\"custom_id\":7,\"domain\":\"a.com\"}]}",
                        400, "validation-error", "records[0].custom_id"),
                Arguments.of("http host not allowed", "{\"type\":\"http\",\"records\":[{\"url\":\"http://169.254.169.254/latest\"}]}",
                        400, "validation-error", "records[0].url"),
                Arguments.of("http scheme not allowed", "{\"type\":\"http\",\"records\":[{\"url\":\"file:///etc/passwd\"}]}",
                        400, "validation-error", "records[0].url"),
                Arguments.of("http bad method", "{\"type\":\"http\",\"records\":[{\"url\":\"http://127.0.0.1/x\",\"method\":\"TRACE\"}]}",
                        400, "validation-error", "records[0].method"),
                Arguments.of("unknown top-level field", "{\"type\":\"company\",\"records\":" + okRecords + ",\"priority\":1}",
                        400, "validation-error", "priority"),
                Arguments.of("metadata not an object", "{\"type\":\"company\",\"records\":" + okRecords + ",\"metadata\":[1]}",
                        400, "validation-error", "metadata"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSubmissions")
    void badSubmissionIsAProblemAndStoresNothing(String name, String body, int status, String type, String field) {
        Api api = Api.newTenant();
        ValidatableResponse r = api.req().body(body).post("/v1/jobs").then()
                .statusCode(status)
                .contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + type))
                .body("status", equalTo(status))
                .body("detail", not(emptyOrNullString()))
                .body("detail", not(containsString("Exception")));
        if (field != null) {
            r.body("field", equalTo(field));
        }
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isZero();
    }

    @Test
    void tooManyRecordsNamesTheLimit() {
        Api api = Api.newTenant();
        api.req().body(Map.of("type", "company", "records", Api.records(1001, i -> Map.of("domain", "a.com"))))
                .post("/v1/jobs").then().statusCode(413)
                .body("detail", containsString("1000"))
                .body("extensions.limit", equalTo(1000));
    }

    @Test
    void wrongContentTypeIs415() {
        Api api = Api.newTenant();
        given().header("X-API-Key", api.tenant().apiKey()).contentType("text/plain").body("type=company")
                .post("/v1/jobs").then().statusCode(415).contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "unsupported-media-type"));
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isZero();
    }

    @Test
    void missingOrWrongApiKeyIs401() {
        given().contentType("application/json").body("{}").post("/v1/jobs").then().statusCode(401)
                .contentType("application/problem+json").body("type", equalTo(PROBLEMS + "unauthorized"));
        given().header("X-API-Key", "nope").get("/v1/jobs").then().statusCode(401);
        given().header("Authorization", "Bearer nope").get("/v1/jobs").then().statusCode(401);
        Api api = Api.newTenant();
        given().header("Authorization", "Bearer " + api.tenant().apiKey()).get("/v1/jobs").then().statusCode(200);
    }

    @Test
    void unknownJobsAndOtherTenantsJobsAre404() {
        Api owner = Api.newTenant();
        Api other = Api.newTenant();
        String id = owner.submit("company", List.of(Map.of("domain", "ok-owned.com")));
        for (String path : List.of("/v1/jobs/" + id, "/v1/jobs/" + id + "/results", "/v1/jobs/" + id + "/results/0")) {
            other.req().get(path).then().statusCode(404).contentType("application/problem+json")
                    .body("type", equalTo(PROBLEMS + "not-found"));
        }
        owner.req().get("/v1/jobs/00000000-0000-7000-8000-000000000000").then().statusCode(404)
                .contentType("application/problem+json");
        owner.req().get("/v1/jobs/not-a-uuid").then().statusCode(404).contentType("application/problem+json");
        owner.awaitFinal(id, Duration.ofSeconds(30));
    }

    @Test
    void badQueryParametersAre400() {
        Api api = Api.newTenant();
        String id = api.submit("company", List.of(Map.of("domain", "ok-params.com")));
        String results = "/v1/jobs/" + id + "/results";
        api.req().queryParam("cursor", "garbage!").get(results).then().statusCode(400)
                .contentType("application/problem+json").body("type", equalTo(PROBLEMS + "invalid-cursor"));
        api.req().queryParam("cursor", "eyJxIjoiam9iczoifQ").get(results).then().statusCode(400)
                .body("type", equalTo(PROBLEMS + "invalid-cursor"));
        api.req().queryParam("cursor", "garbage").get("/v1/jobs").then().statusCode(400)
                .body("field", equalTo("cursor"));
        api.req().queryParam("limit", "0").get(results).then().statusCode(400).body("field", equalTo("limit"));
        api.req().queryParam("limit", "x").get("/v1/jobs").then().statusCode(400).body("field", equalTo("limit"));
        api.req().queryParam("status_filter", "done").get(results).then().statusCode(400).body("field", equalTo("status_filter"));
        api.req().queryParam("order_by", "name").get(results).then().statusCode(400).body("field", equalTo("order_by"));
        api.req().queryParam("since_completed_at", "yesterday").get(results).then().statusCode(400)
                .body("field", equalTo("since_completed_at"));
        api.req().queryParam("state", "running").get("/v1/jobs").then().statusCode(400).body("field", equalTo("state"));
        api.awaitFinal(id, Duration.ofSeconds(30));
    }
}
