package io.batchwire.dispatch;

import io.batchwire.api.JsonLimits;
import io.batchwire.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstream answers of every shape through the whole pipeline (dispatcher, status topic, status writer, jsonb): JSON
 * is stored as it came (passed on as text, not as a tree), a body after a byte-order mark and a body that is not JSON
 * are stored too, and an answer jsonb refuses (a NUL in a string) fails its own record only, not the records that
 * shared its message on the status topic.
 */
@QuarkusTest
class UpstreamBodiesTest {

    @Test
    void everyShapeOfAnswerIsStoredAndARefusedOneFailsOnlyItsRecord() {
        Api api = Api.newTenant();
        String k = UUID.randomUUID().toString().substring(0, 8);
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            records.add(Map.of("custom_id", "ok" + i, "domain", "ok-" + k + "-" + i));
        }
        records.add(Map.of("custom_id", "nul", "domain", "nul-" + k));
        records.add(Map.of("custom_id", "bom", "domain", "bom-" + k));
        records.add(Map.of("custom_id", "overlong", "domain", "overlong-" + k));
        records.add(Map.of("custom_id", "text", "domain", "text-5-" + k));
        // text longer than a string of a request may be (JsonLimits.MAX_STRING_CHARS), within max-response-bytes
        records.add(Map.of("custom_id", "long", "domain", "text-" + (JsonLimits.MAX_STRING_CHARS + 1) + "-" + k));
        // as deep as the service reads JSON at all (JsonLimits.MAX_DEPTH), and one deeper
        records.add(Map.of("custom_id", "deep", "domain", "deep-" + JsonLimits.MAX_DEPTH + "-" + k));
        records.add(Map.of("custom_id", "deeper", "domain", "deep-" + (JsonLimits.MAX_DEPTH + 1) + "-" + k));
        String id = api.submit("company", records);

        var done = api.awaitFinal(id, Duration.ofSeconds(60));
        assertThat(done.getInt("counts.succeeded")).isEqualTo(36);
        assertThat(done.getInt("counts.failed")).isEqualTo(1);

        for (int i = 0; i < 30; i++) {
            var r = api.req().get("/v1/jobs/" + id + "/results/ok" + i).then().statusCode(200).extract().jsonPath();
            assertThat(r.getString("status")).isEqualTo("succeeded");
            assertThat(r.getString("result.key")).isEqualTo("ok-" + k + "-" + i);
            assertThat(r.getInt("result.attempt")).isEqualTo(1);
        }
        var nul = api.req().get("/v1/jobs/" + id + "/results/nul").then().statusCode(200).extract().jsonPath();
        assertThat(nul.getString("status")).isEqualTo("failed");
        assertThat(nul.getString("error.code")).isEqualTo("outcome_unstorable");
        assertThat(nul.getString("result")).isNull();

        var bom = api.req().get("/v1/jobs/" + id + "/results/bom").then().statusCode(200).extract().jsonPath();
        assertThat(bom.getString("status")).isEqualTo("succeeded");
        assertThat(bom.getString("result.key")).isEqualTo("bom-" + k);

        // JSON that is not well-formed UTF-8 is not passed on as its bytes (they would be stored as U+FFFD): it is read
        // as a tree, decoded as the JSON parser decodes it
        var overlong = api.req().get("/v1/jobs/" + id + "/results/overlong").then().statusCode(200).extract().jsonPath();
        assertThat(overlong.getString("status")).isEqualTo("succeeded");
        assertThat(overlong.getString("result.key")).isEqualTo("overlong-" + k);
        assertThat(overlong.getString("result.v")).isEqualTo("A");

        var text = api.req().get("/v1/jobs/" + id + "/results/text").then().statusCode(200).extract().jsonPath();
        assertThat(text.getString("status")).isEqualTo("succeeded");
        assertThat(text.getString("result")).isEqualTo("\"\"\"\"\"");

        var longText = api.req().get("/v1/jobs/" + id + "/results/long").then().statusCode(200).extract().jsonPath();
        assertThat(longText.getString("status")).isEqualTo("succeeded");
        assertThat(longText.getString("result")).hasSize(JsonLimits.MAX_STRING_CHARS + 1).matches("\"+");

        // an answer as deep as the limit is stored as JSON, though the status topic's message nests it deeper still;
        // one deeper is not read as JSON and is stored as the text it was
        var deep = api.req().get("/v1/jobs/" + id + "/results/deep").then().statusCode(200).extract().jsonPath();
        assertThat(deep.getString("status")).isEqualTo("succeeded");
        assertThat(deep.getString("result" + ".d".repeat(JsonLimits.MAX_DEPTH - 1) + ".key"))
                .isEqualTo("deep-" + JsonLimits.MAX_DEPTH + "-" + k);
        var deeper = api.req().get("/v1/jobs/" + id + "/results/deeper").then().statusCode(200).extract().jsonPath();
        assertThat(deeper.getString("status")).isEqualTo("succeeded");
        assertThat(deeper.getString("result")).startsWith("{\"d\":{\"d\":");
    }
}
