package io.batchwire.testing;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** RestAssured shortcuts for one tenant. */
public final class Api {

    /** The admin key of the test profile. */
    public static final String ADMIN_KEY = "test-admin-key";

    private final Db.Tenant tenant;

    public Api(Db.Tenant tenant) {
        this.tenant = tenant;
    }

    public static Api newTenant() {
        return new Api(Db.newTenant());
    }

    public Db.Tenant tenant() {
        return tenant;
    }

    public RequestSpecification req() {
        return given().header("X-API-Key", tenant.apiKey()).contentType(ContentType.JSON);
    }

    public static List<Map<String, Object>> records(int n, IntFunction<Map<String, Object>> make) {
        List<Map<String, Object>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(make.apply(i));
        }
        return out;
    }

    /** Grants the tenant credits through the admin API; returns the new balance. */
    public long grant(long amount) {
        return given().header("X-Admin-Key", ADMIN_KEY).contentType(ContentType.JSON)
                .body(Map.of("amount", amount, "note", "test grant"))
                .post("/admin/v1/tenants/" + tenant.id() + "/credits").then().statusCode(201)
                .extract().jsonPath().getLong("balance");
    }

    /** The tenant's credit balance, as {@code GET /v1/credits} shows it. */
    public long balance() {
        return req().get("/v1/credits").then().statusCode(200).extract().jsonPath().getLong("balance");
    }

    /** Submits and returns the job id (asserting 202). */
    public String submit(String type, List<?> records) {
        return req().body(Map.of("type", type, "records", records))
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
    }

    public JsonPath job(String id) {
        return req().get("/v1/jobs/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** Waits until the job is final and returns its status. */
    public JsonPath awaitFinal(String id, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200))
                .until(() -> List.of("completed", "failed", "cancelled").contains(job(id).getString("state")));
        return job(id);
    }

    /** All result items of a job, following cursors. */
    public List<Map<String, Object>> allResults(String id, String query) {
        List<Map<String, Object>> all = new ArrayList<>();
        String cursor = null;
        while (true) {
            var r = req();
            if (cursor != null) {
                r = r.queryParam("cursor", cursor);
            }
            JsonPath page = r.get("/v1/jobs/" + id + "/results" + query).then().statusCode(200).extract().jsonPath();
            all.addAll(page.getList("items"));
            if (!page.getBoolean("has_more")) {
                return all;
            }
            cursor = page.getString("cursor_next");
        }
    }
}
