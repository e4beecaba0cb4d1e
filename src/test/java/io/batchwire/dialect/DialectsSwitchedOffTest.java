package io.batchwire.dialect;

import io.batchwire.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Each dialect can be switched off: its paths answer 404, nothing is stored, and Batchwire's own API goes on. */
@QuarkusTest
@TestProfile(DialectsSwitchedOffTest.Off.class)
class DialectsSwitchedOffTest {

    public static class Off implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("batchwire.dialects.apione.enabled", "false", "batchwire.dialects.tasks.enabled", "false",
                    "batchwire.dialects.collections.enabled", "false");
        }
    }

    @Test
    void switchedOffDialectsAnswer404AndStoreNothing() {
        Api api = Api.newTenant();
        api.req().body(Map.of("type", "company", "records", List.of(Map.of("domain", "off.com"))))
                .post("/api/v1/async/enrich").then().statusCode(404).contentType("application/problem+json");
        api.req().get("/api/v1/async/status/" + UUID.randomUUID()).then().statusCode(404);
        api.req().body(Map.of("type", "company", "input", Map.of("domain", "off.com")))
                .post("/v1/tasks").then().statusCode(404);
        api.req().body(Map.of("name", "x", "requests", List.of(Map.of("url", "http://127.0.0.1/x"))))
                .post("/v1/async/collections").then().statusCode(404);
        api.req().get("/v1/jobs").then().statusCode(200).body("items.size()", org.hamcrest.Matchers.equalTo(0));
        api.req().get("/v1/collections").then().statusCode(200).body("items.size()", org.hamcrest.Matchers.equalTo(0));
        // the engine's own API is untouched
        api.req().body(Map.of("type", "company", "records", List.of(Map.of("domain", "on.com"))))
                .post("/v1/jobs").then().statusCode(202);
    }
}
