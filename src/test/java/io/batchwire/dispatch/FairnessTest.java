package io.batchwire.dispatch;

import io.batchwire.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Tenants take turns: a small job is not stuck behind another tenant's backlog. */
@QuarkusTest
class FairnessTest {

    @Test
    void aSmallJobOvertakesAnotherTenantsBacklog() {
        Api big = Api.newTenant();
        Api small = Api.newTenant();
        String k = UUID.randomUUID().toString().substring(0, 8);
        List<String> backlog = new ArrayList<>();
        try {
            // 3,000 records at 50 ms each through a concurrency of 8: about 20 s of work
            for (int j = 0; j < 10; j++) {
                int job = j;
                backlog.add(big.submit("company", Api.records(300, i -> Map.of("domain", "delay-50-" + k + "-" + job + "-" + i))));
            }
            String quick = small.submit("company", Api.records(5, i -> Map.of("domain", "delay-50-" + k + "-small-" + i)));

            JsonPath done = small.awaitFinal(quick, Duration.ofSeconds(60));
            long pendingOfBacklog = backlog.stream().mapToLong(id -> big.job(id).getLong("counts.pending")).sum();

            assertThat(done.getInt("counts.succeeded")).isEqualTo(5);
            assertThat(pendingOfBacklog).as("the small job finished while most of the backlog was still waiting")
                    .isGreaterThan(1500);
        } finally {
            backlog.forEach(id -> big.req().post("/v1/jobs/" + id + "/cancel"));
        }
    }
}
