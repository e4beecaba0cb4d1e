package io.batchwire.result;

import io.batchwire.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
class ResultPagingTest {

    private static final int RECORDS = 300;

    @Test
    void followingCompletedOrderWhileTheJobRunsSeesEveryOutcomeExactlyOnce() {
        Api api = Api.newTenant();
        String k = UUID.randomUUID().toString().substring(0, 8);
        String id = api.submit("company", Api.records(RECORDS, i -> Map.of("domain", "delay-30-" + k + "-" + i)));

        List<Integer> seen = new ArrayList<>();
        boolean sawRunning = false;
        String cursor = null;
        String lastCompletedAt = null;
        while (true) {
            String state = api.job(id).getString("state");
            sawRunning |= !state.equals("completed");
            var req = api.req().queryParam("order_by", "completed_at").queryParam("limit", 7);
            if (cursor != null) {
                req = req.queryParam("cursor", cursor);
            }
            JsonPath page = req.get("/v1/jobs/" + id + "/results").then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> items = page.getList("items");
            for (Map<String, Object> item : items) {
                seen.add((Integer) item.get("index"));
                assertThat(item.get("status")).isEqualTo("succeeded");
                String completedAt = (String) item.get("completed_at");
                if (lastCompletedAt != null) {
                    assertThat(OffsetDateTime.parse(completedAt)).isAfterOrEqualTo(OffsetDateTime.parse(lastCompletedAt));
                }
                lastCompletedAt = completedAt;
            }
            cursor = page.getString("cursor_next") == null ? cursor : page.getString("cursor_next");
            if (items.isEmpty() && state.equals("completed") && !page.getBoolean("has_more")) {
                break;
            }
        }
        assertThat(sawRunning).as("pages were read while the job was running").isTrue();
        assertThat(seen).hasSize(RECORDS);
        assertThat(new HashSet<>(seen)).hasSize(RECORDS);
    }

    @Test
    void indexOrderPagesWhileRunningAndFiltersByStatusAndTime() {
        Api api = Api.newTenant();
        String k = UUID.randomUUID().toString().substring(0, 8);
        String id = api.submit("company", Api.records(60, i -> Map.of("domain",
                (i % 10 == 0 ? "missing-" : "delay-20-") + k + "-" + i)));

        // index order while running: every index once, some maybe still pending
        List<Map<String, Object>> running = api.allResults(id, "?limit=9");
        assertThat(running).extracting(r -> r.get("index")).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 60).boxed().toList());

        JsonPath done = api.awaitFinal(id, Duration.ofSeconds(60));
        assertThat(done.getInt("counts.failed")).isEqualTo(6);
        assertThat(done.getInt("counts.succeeded")).isEqualTo(54);

        List<Map<String, Object>> failed = api.allResults(id, "?status_filter=failed&limit=4");
        assertThat(failed).extracting(r -> r.get("index")).containsExactly(0, 10, 20, 30, 40, 50);
        List<Map<String, Object>> both = api.allResults(id, "?status_filter=failed,succeeded&limit=50");
        assertThat(both).hasSize(60);
        assertThat(api.allResults(id, "?status_filter=pending")).isEmpty();

        // since_completed_at: everything completed at or after a given outcome
        List<Map<String, Object>> byTime = api.allResults(id, "?order_by=completed_at&limit=100");
        String pivot = (String) byTime.get(30).get("completed_at");
        Set<Object> expected = new HashSet<>();
        byTime.stream().filter(r -> !OffsetDateTime.parse((String) r.get("completed_at")).isBefore(OffsetDateTime.parse(pivot)))
                .forEach(r -> expected.add(r.get("index")));
        List<Map<String, Object>> since = api.allResults(id, "?order_by=completed_at&since_completed_at=" + pivot);
        assertThat(since).extracting(r -> r.get("index")).containsExactlyInAnyOrderElementsOf(expected);
    }
}
