package io.batchwire.tenant;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class AdminApiTest {

    private static io.restassured.specification.RequestSpecification admin() {
        return given().header("X-Admin-Key", "test-admin-key").contentType("application/json");
    }

    @Test
    void adminApiNeedsTheAdminKey() {
        given().get("/admin/v1/plans").then().statusCode(401).contentType("application/problem+json");
        given().header("X-Admin-Key", "wrong").get("/admin/v1/plans").then().statusCode(401);
        admin().get("/admin/v1/plans").then().statusCode(200)
                .body("name", hasItems("free", "starter", "growth", "scale"));
    }

    @Test
    void defaultPlansAreTheSeededOnes() {
        JsonPath plans = admin().get("/admin/v1/plans").then().statusCode(200).extract().jsonPath();
        assertThat(plans.getInt("find { it.name == 'free' }.max_records_per_job")).isEqualTo(50);
        assertThat(plans.getInt("find { it.name == 'free' }.max_concurrent_jobs")).isEqualTo(1);
        assertThat(plans.getLong("find { it.name == 'free' }.retention_seconds")).isEqualTo(86_400);
        assertThat(plans.getInt("find { it.name == 'starter' }.max_records_per_job")).isEqualTo(500);
        assertThat(plans.getInt("find { it.name == 'growth' }.max_concurrent_jobs")).isEqualTo(20);
        assertThat(plans.getLong("find { it.name == 'scale' }.retention_seconds")).isEqualTo(90L * 86_400);
        assertThat(plans.getInt("find { it.name == 'scale' }.max_queued_records")).isEqualTo(100_000);
    }

    @Test
    void createTenantUseItsKeyRotateAndRevoke() {
        String name = "acme-" + UUID.randomUUID();
        JsonPath created = admin().body(Map.of("name", name, "plan", "starter")).post("/admin/v1/tenants")
                .then().statusCode(201).body("plan", equalTo("starter")).body("api_key", startsWith("bw_"))
                .extract().jsonPath();
        String id = created.getString("id");
        String key1 = created.getString("api_key");
        given().header("X-API-Key", key1).get("/v1/jobs").then().statusCode(200);
        admin().get("/admin/v1/tenants/" + id).then().statusCode(200).body("name", equalTo(name))
                .body("api_key", equalTo(null));
        admin().body(Map.of("name", name)).post("/admin/v1/tenants").then().statusCode(409);

        String key2 = admin().post("/admin/v1/tenants/" + id + "/keys").then().statusCode(201).extract().path("api_key");
        given().header("Authorization", "Bearer " + key2).get("/v1/jobs").then().statusCode(200);
        admin().delete("/admin/v1/tenants/" + id + "/keys/" + ApiKey.prefixOf(key1)).then().statusCode(204);
        given().header("X-API-Key", key1).get("/v1/jobs").then().statusCode(401);
        given().header("X-API-Key", key2).get("/v1/jobs").then().statusCode(200);

        // a plan change applies to the next request
        admin().body(Map.of("plan", "free")).patch("/admin/v1/tenants/" + id).then().statusCode(200).body("plan", equalTo("free"));
        given().header("X-API-Key", key2).contentType("application/json")
                .body(Map.of("type", "company", "records", java.util.Collections.nCopies(51, Map.of("domain", "a.com"))))
                .post("/v1/jobs").then().statusCode(413).body("extensions.plan", equalTo("free"));
    }

    @Test
    void plansCanBeCreatedAndBadOnesAreRefused() {
        String name = "custom-" + UUID.randomUUID().toString().substring(0, 8);
        admin().body(Map.of("max_records_per_job", 10, "max_concurrent_jobs", 2, "max_queued_records", 100,
                        "retention_seconds", 3600))
                .put("/admin/v1/plans/" + name).then().statusCode(200).body("max_records_per_job", equalTo(10));
        admin().body(Map.of("max_records_per_job", 5000, "max_concurrent_jobs", 2, "max_queued_records", 100,
                        "retention_seconds", 3600))
                .put("/admin/v1/plans/" + name).then().statusCode(400).contentType("application/problem+json");
        admin().body(Map.of("name", "x", "plan", "platinum")).post("/admin/v1/tenants").then().statusCode(400)
                .body("field", equalTo("plan"));
        admin().get("/admin/v1/tenants/" + UUID.randomUUID()).then().statusCode(404);
        assertThat(admin().get("/admin/v1/tenants").then().statusCode(200).extract().jsonPath().getList("id"))
                .isInstanceOf(List.class);
    }

    @Test
    void everyAdminChangeIsAuditedWithoutSecretsAndARefusedOneIsNot() {
        String name = "audited-" + UUID.randomUUID();
        JsonPath created = admin().body(Map.of("name", name, "plan", "starter")).post("/admin/v1/tenants")
                .then().statusCode(201).extract().jsonPath();
        String id = created.getString("id");
        String key1 = created.getString("api_key");
        String key2 = admin().post("/admin/v1/tenants/" + id + "/keys").then().statusCode(201).extract().path("api_key");
        admin().delete("/admin/v1/tenants/" + id + "/keys/" + ApiKey.prefixOf(key1)).then().statusCode(204);
        admin().body(Map.of("plan", "free")).patch("/admin/v1/tenants/" + id).then().statusCode(200);
        admin().body(Map.of("amount", 25, "note", "welcome")).post("/admin/v1/tenants/" + id + "/credits")
                .then().statusCode(201).body("balance", equalTo(25));
        // refused: changes nothing, so no entry
        admin().body(Map.of("plan", "platinum")).patch("/admin/v1/tenants/" + id).then().statusCode(400);
        admin().body(Map.of("amount", 0)).post("/admin/v1/tenants/" + id + "/credits").then().statusCode(400);
        admin().body(Map.of("amount", 5)).post("/admin/v1/tenants/" + UUID.randomUUID() + "/credits").then().statusCode(404);

        String page = admin().get("/admin/v1/audit?limit=500").then().statusCode(200).extract().asString();
        assertThat(page).doesNotContain(key1).doesNotContain(key2);
        JsonPath audit = JsonPath.from(page);
        List<Map<String, Object>> mine = audit.getList("items.findAll { it.target == '" + id + "' }");
        assertThat(mine).extracting(e -> e.get("action"))
                .containsExactly("credits.grant", "tenant.plan", "tenant.key.revoke", "tenant.key.add", "tenant.create");
        assertThat(((Map<?, ?>) mine.get(0).get("detail")).get("amount")).isEqualTo(25);
        assertThat(((Map<?, ?>) mine.get(2).get("detail")).get("key_prefix")).isEqualTo(ApiKey.prefixOf(key1));
        assertThat(audit.getList("items.id", Long.class)).isSortedAccordingTo(java.util.Comparator.reverseOrder());

        // paging: the cursor is the last id seen, and a page after it starts below it
        JsonPath first = admin().get("/admin/v1/audit?limit=2").then().statusCode(200).extract().jsonPath();
        assertThat(first.getBoolean("has_more")).isTrue();
        long last = first.getLong("items[1].id");
        assertThat(first.getString("cursor_next")).isEqualTo(String.valueOf(last));
        assertThat(admin().get("/admin/v1/audit?limit=2&cursor=" + last).then().statusCode(200).extract().jsonPath()
                .getList("items.id", Long.class)).allMatch(x -> x < last);
        admin().get("/admin/v1/audit?cursor=abc").then().statusCode(400).contentType("application/problem+json");
    }
}
