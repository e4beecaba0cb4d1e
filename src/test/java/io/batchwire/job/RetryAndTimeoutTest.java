package io.batchwire.job;

import io.batchwire.testing.Api;
import io.batchwire.testing.FakeUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Test upstream settings: timeout 500 ms, 3 attempts, backoff from 50 ms, Retry-After honoured up to 5 s. */
@QuarkusTest
class RetryAndTimeoutTest {

    @Test
    void eachFailureKindIsRetriedThenReportedPerRecord() {
        Api api = Api.newTenant();
        String k = UUID.randomUUID().toString().substring(0, 8);
        String id = api.submit("company", List.of(
                Map.of("custom_id", "slow", "domain", "slow-" + k),
                Map.of("custom_id", "flaky", "domain", "flaky-2-" + k),
                Map.of("custom_id", "down", "domain", "down-" + k),
                Map.of("custom_id", "limited", "domain", "limited-1-" + k),
                Map.of("custom_id", "missing", "domain", "missing-" + k),
                Map.of("custom_id", "ok", "domain", "ok-" + k)));

        JsonPath job = api.awaitFinal(id, Duration.ofSeconds(60));
        assertThat(job.getString("state")).isEqualTo("completed");
        assertThat(job.getInt("counts.succeeded")).isEqualTo(3);
        assertThat(job.getInt("counts.failed")).isEqualTo(2);
        assertThat(job.getInt("counts.timed_out")).isEqualTo(1);
        assertThat(job.getInt("counts.pending")).isZero();

        JsonPath slow = result(api, id, "slow");
        assertThat(slow.getString("status")).isEqualTo("timed_out");
        assertThat(slow.getInt("attempts")).isEqualTo(3);
        assertThat(slow.getString("error.code")).isEqualTo("timeout");
        assertThat((Object) slow.get("status_code")).isNull();

        JsonPath flaky = result(api, id, "flaky");
        assertThat(flaky.getString("status")).isEqualTo("succeeded");
        assertThat(flaky.getInt("attempts")).isEqualTo(3);
        assertThat(flaky.getInt("result.attempt")).isEqualTo(3);

        JsonPath down = result(api, id, "down");
        assertThat(down.getString("status")).isEqualTo("failed");
        assertThat(down.getInt("status_code")).isEqualTo(503);
        assertThat(down.getInt("attempts")).isEqualTo(3);
        assertThat(down.getString("error.code")).isEqualTo("upstream_status");
        assertThat(FakeUpstream.get().requests("down-" + k)).hasSize(3);

        JsonPath limited = result(api, id, "limited");
        assertThat(limited.getString("status")).isEqualTo("succeeded");
        assertThat(limited.getInt("attempts")).isEqualTo(2);
        List<Long> times = FakeUpstream.get().requests("limited-1-" + k);
        assertThat(times).hasSize(2);
        // Retry-After: 1 is honoured: the retry never comes sooner (backoff alone would be ~50 ms)
        assertThat(times.get(1) - times.get(0)).isGreaterThanOrEqualTo(950);

        JsonPath missing = result(api, id, "missing");
        assertThat(missing.getString("status")).isEqualTo("failed");
        assertThat(missing.getInt("status_code")).isEqualTo(404);
        assertThat(missing.getInt("attempts")).as("a 4xx other than 429 is not retried").isEqualTo(1);
        assertThat(FakeUpstream.get().requests("missing-" + k)).hasSize(1);
    }

    private static JsonPath result(Api api, String id, String customId) {
        return api.req().get("/v1/jobs/" + id + "/results/" + customId).then().statusCode(200).extract().jsonPath();
    }
}
