package io.batchwire.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.dispatch.OutcomeStore;
import io.batchwire.dispatch.RecordOutcome;
import io.batchwire.job.RecordState;
import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.batchwire.testing.PagedRows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * What exports cost on a metered plan: each stored page is charged once, in the transaction that stores it, per page
 * call ({@code organizations}, price 1) or per row ({@code rows-orgs}, price 2); no credits is a 402 at submit that
 * stores nothing; credits that run out mid-way fail the export with the rows stored before kept and downloadable; and
 * a page outcome delivered again is neither stored nor charged again.
 */
@QuarkusTest
class ExportCreditsTest {

    static final String PER_CALL = "/api/v3/organizations/async/";
    static final String PER_ROW = "/api/v3/rows-organizations/async/";

    @Inject
    OutcomeStore outcomes;
    @Inject
    ObjectMapper json;

    private static Api metered(String plan) {
        Db.meteredPlan(plan, 20);
        return new Api(Db.newTenant(plan));
    }

    private static long pageCharges(String jobId) {
        return Db.count("SELECT count(*) FROM credit_entries WHERE job_id = ? AND kind = 'charge' AND page IS NOT NULL", UUID.fromString(jobId));
    }

    /** Runs an export to its end; its id. */
    private static String completed(Api api, String path, Map<String, Object> payload) {
        String link = api.req().body(payload).post(path).then().statusCode(202).extract().path("link");
        JsonPath done = ExportTest.poll(api, link, Duration.ofSeconds(60));
        assertThat(done.getString("state")).isEqualTo("completed");
        return done.getString("id");
    }

    @Test
    void perCallChargesEachStoredPageOnce() {
        Api api = metered("t-ex-call");
        api.grant(100);
        // 5,500 rows in pages of 500: 11 pages, the last one ending it
        String id = completed(api, PER_CALL, Map.of("rows", 5_500, "page_size", 500));
        api.req().get("/v1/jobs/" + id).then().body("total_records", equalTo(11)).body("credits_charged", equalTo(11))
                .body("credits_refunded", equalTo(0));
        assertThat(api.balance()).isEqualTo(89);
        assertThat(pageCharges(id)).isEqualTo(11);
        JsonPath ledger = api.req().queryParam("limit", 20).get("/v1/credits").then().statusCode(200).extract().jsonPath();
        List<Integer> pages = ledger.getList("items.findAll { it.kind == 'charge' }.page", Integer.class);
        assertThat(pages).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(ledger.getList("items.findAll { it.kind == 'charge' }.amount", Long.class)).containsOnly(-1L);
        assertThat(ledger.getList("items.findAll { it.kind == 'charge' }.records", Integer.class)).containsOnly(500);
    }

    @Test
    void perRowChargesTheRowsOfEachPage() {
        Api api = metered("t-ex-row");
        api.grant(10_000);
        String id = completed(api, PER_ROW, Map.of("rows", 2_500, "page_size", 1_000));
        // 1,000 + 1,000 + 500 rows at 2 credits each
        api.req().get("/v1/jobs/" + id).then().body("credits_charged", equalTo(5_000)).body("rows", equalTo(2_500));
        assertThat(api.balance()).isEqualTo(5_000);
        assertThat(Db.count("SELECT coalesce(sum(records), 0) FROM credit_entries WHERE job_id = ? AND kind = 'charge'", UUID.fromString(id)))
                .isEqualTo(2_500);
    }

    @Test
    void withoutCreditsAnExportIs402AndNothingIsStored() {
        Api api = metered("t-ex-none");
        String key = UUID.randomUUID().toString();
        api.req().header("Idempotency-Key", key).body(Map.of("rows", 100)).post(PER_CALL).then().statusCode(402)
                .contentType("application/problem+json")
                .body("type", equalTo("https://batchwire.dev/problems/insufficient-credits"))
                .body("detail", containsString("per page call")).body("detail", containsString("the balance is 0"))
                .body("extensions.balance", equalTo(0)).body("extensions.cost", equalTo(1))
                .body("extensions.type", equalTo("organizations"));
        // per row, one row's price is what it takes to start
        api.grant(1);
        api.req().body(Map.of("rows", 100)).post(PER_ROW).then().statusCode(402).contentType("application/problem+json")
                .body("detail", containsString("per row")).body("extensions.cost", equalTo(2))
                .body("extensions.balance", equalTo(1));
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isZero();
        assertThat(Db.count("SELECT count(*) FROM idempotency_keys WHERE tenant_id = ?", api.tenant().id())).isZero();
        assertThat(api.balance()).isEqualTo(1);
    }

    @Test
    void anExportWhoseCreditsRunOutFailsWithTheRowsBeforeKeptAndDownloadable() {
        Api api = metered("t-ex-short");
        // two pages of 1,000 rows at 2 credits a row, and half of the third
        api.grant(5_000);
        String link = api.req().queryParam("async_format", "jsonl").body(Map.of("rows", 5_000, "page_size", 1_000))
                .post(PER_ROW).then().statusCode(202).extract().path("link");
        JsonPath done = ExportTest.poll(api, link, Duration.ofSeconds(60));
        assertThat(done.getString("state")).isEqualTo("failure");
        assertThat(done.getString("error")).isEqualTo("failed");
        assertThat(done.getString("error_msg")).contains("the credits ran out").contains("page 2 (1000 rows) costs 2000")
                .contains("the balance is 1000").contains("2000 rows stored before it are kept");
        assertThat(done.getLong("progress")).isEqualTo(2_000);
        String id = done.getString("id");
        api.req().get("/v1/jobs/" + id).then().body("state", equalTo("failed")).body("rows", equalTo(2_000))
                .body("total_records", equalTo(3)).body("counts.failed", equalTo(1)).body("credits_charged", equalTo(4_000))
                .body("error", containsString("the credits ran out"));
        assertThat(api.balance()).isEqualTo(1_000);
        assertThat(pageCharges(id)).isEqualTo(2);
        // the rows stored before are the file: exactly the first 2,000, in order
        String download = done.getString("download_link");
        assertThat(download).startsWith("http://");
        List<String> lines = new String(given().get(download).then().statusCode(200).extract().asByteArray(),
                StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2_000);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).isEqualTo(PagedRows.row(i));
        }
        // the refused page kept nothing: no row of it, no page after it
        assertThat(Db.count("SELECT count(*) FROM export_rows WHERE job_id = ?", UUID.fromString(id))).isEqualTo(2_000);
        assertThat(Db.count("SELECT count(*) FROM job_records WHERE job_id = ? AND status = 'failed' AND result IS NULL"
                + " AND error->>'code' = 'insufficient_credits'", UUID.fromString(id))).isEqualTo(1);
    }

    @Test
    void aPageOutcomeDeliveredAgainIsNeitherStoredNorChargedAgain() throws Exception {
        Api api = metered("t-ex-again");
        api.grant(1_000);
        // slow pages, so the export is still running when page 0's outcome comes again
        String id = api.req().body(Map.of("rows", 500_000, "page_size", 1_000, "delay_ms", 300)).post(PER_CALL)
                .then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(60)).until(() -> api.job(id).getLong("rows") >= 1_000);
        JsonPath running = api.job(id);
        assertThat(running.getString("state")).isEqualTo("processing");
        // Batchwire's own dialect: no percent before the total is known; the rows fetched so far
        assertThat(running.get("progress") == null).as("progress of a running export").isTrue();

        StringBuilder rows = new StringBuilder("[");
        for (int i = 0; i < 1_000; i++) {
            rows.append(i == 0 ? "" : ",").append(PagedRows.row(i));
        }
        RecordOutcome again = new RecordOutcome(UUID.fromString(id), 0, RecordState.SUCCEEDED, 200, 1, Instant.now(), 5,
                json.readTree("{\"rows\":" + rows + "],\"next\":\"1000\"}"), null);
        long chargesBefore = pageCharges(id);
        long rowsBefore = Db.count("SELECT count(*) FROM export_rows WHERE job_id = ?", UUID.fromString(id));
        long pagesBefore = Db.count("SELECT count(*) FROM job_records WHERE job_id = ?", UUID.fromString(id));
        // twice in one batch, and once more on its own: a redelivery of the status topic
        outcomes.store(List.of(again, again)).await().atMost(Duration.ofSeconds(30));
        outcomes.store(List.of(again)).await().atMost(Duration.ofSeconds(30));

        api.req().post("/v1/jobs/" + id + "/cancel").then().statusCode(200);
        JsonPath ended = api.awaitFinal(id, Duration.ofSeconds(30));
        long stored = Db.count("SELECT count(*) FROM export_rows WHERE job_id = ?", UUID.fromString(id));
        long pages = Db.count("SELECT count(*) FROM job_records WHERE job_id = ? AND status = 'succeeded'", UUID.fromString(id));
        assertThat(stored).isGreaterThanOrEqualTo(rowsBefore).isEqualTo(ended.getLong("rows")).isEqualTo(pages * 1_000);
        assertThat(Db.count("SELECT count(*) FROM job_records WHERE job_id = ?", UUID.fromString(id))).isGreaterThanOrEqualTo(pagesBefore);
        // one charge per stored page, whatever came twice; none for pages that did not store
        assertThat(pageCharges(id)).isGreaterThanOrEqualTo(chargesBefore).isEqualTo(pages);
        assertThat(ended.getLong("credits_charged")).isEqualTo(pages);
        assertThat(api.balance()).isEqualTo(1_000 - pages);
        assertThat(Db.count("SELECT count(*) FROM (SELECT row_no FROM export_rows WHERE job_id = ? GROUP BY row_no"
                + " HAVING count(*) > 1) d", UUID.fromString(id))).isZero();
        assertThat(ended.getDouble("progress")).isEqualTo(100.0);
    }
}
