package io.batchwire.tenant;

import io.batchwire.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

/** Every endpoint that names a tenant's resource answers 404 to another tenant, as if it did not exist. */
@QuarkusTest
class IsolationTest {

    /** method, path (with {job}), expected status for the owner. */
    static final List<String[]> ENDPOINTS = List.of(
            new String[]{"GET", "/v1/jobs/{job}", "200"},
            new String[]{"GET", "/v1/jobs/{job}/results", "200"},
            new String[]{"GET", "/v1/jobs/{job}/results/0", "200"},
            new String[]{"GET", "/v1/jobs/{job}/results/mine", "200"},
            new String[]{"GET", "/v1/jobs/{job}/download?format=json", "200"},
            new String[]{"GET", "/v1/jobs/{job}/download?format=csv", "200"},
            new String[]{"GET", "/v1/jobs/{job}/deliveries", "200"},
            new String[]{"POST", "/v1/jobs/{job}/cancel", "409"});

    @Test
    void anotherTenantsJobIs404OnEveryEndpoint() {
        Api owner = Api.newTenant();
        Api stranger = Api.newTenant();
        String job = owner.submit("company", List.of(Map.of("custom_id", "mine", "domain", "ok-isolated.com")));
        owner.awaitFinal(job, Duration.ofSeconds(30));

        for (String[] e : ENDPOINTS) {
            String path = e[1].replace("{job}", job);
            stranger.req().request(e[0], path).then().statusCode(404).contentType("application/problem+json")
                    .body("type", equalTo("https://batchwire.dev/problems/not-found"));
            owner.req().request(e[0], path).then().statusCode(Integer.parseInt(e[2]));
        }
        // the stranger's own list does not show it
        stranger.req().get("/v1/jobs").then().statusCode(200).body("items.size()", equalTo(0));
    }
}
