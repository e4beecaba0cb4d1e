package io.batchwire.export;

import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.batchwire.testing.PagedRows;
import io.batchwire.testing.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * Exports (the Vainu pattern) against a paginated sync endpoint on loopback ({@link PagedRows}): the three steps
 * (query, poll, download), every row exactly once and in order in each format, both kinds of pagination, the push to
 * {@code result_url}, an upstream's 4xx as {@code failure} with its error, and bad requests that change nothing.
 */
@QuarkusTest
class ExportTest {

    static final String PATH = "/api/v3/organizations/async/";
    static Receiver bucket;

    @BeforeAll
    static void start() throws Exception {
        bucket = new Receiver();
    }

    @AfterAll
    static void stop() {
        bucket.close();
    }

    @Test
    void anExportFollowsTheCursorToTheLastPageAndDownloadsEveryRowInOrder() {
        Api api = Api.newTenant();
        int rows = 12_345;
        JsonPath submitted = api.req().queryParam("async_format", "csv")
                .body(Map.of("rows", rows, "page_size", 1000))
                .post(PATH).then().statusCode(202)
                .header("Location", startsWith("http://"))
                .body("state", equalTo("accepted")).body("download_link", nullValue()).body("error", nullValue())
                .body("owner", equalTo("t-" + api.tenant().id()))
                .extract().jsonPath();
        String id = submitted.getString("id");
        assertThat(submitted.getString("job_id")).isEqualTo(id);
        String link = submitted.getString("link");
        assertThat(link).startsWith("http://").endsWith("/v1/async_result/" + id + "/");

        JsonPath done = poll(api, link, Duration.ofSeconds(90));
        assertThat(done.getString("state")).isEqualTo("completed");
        assertThat(done.getLong("progress")).isEqualTo(rows);
        assertThat(done.getString("finished")).isNotNull();
        assertThat(Double.parseDouble(done.getString("duration"))).isPositive();
        String download = done.getString("download_link");
        assertThat(download).startsWith("http://");

        // the signed link needs no key; the file is the chosen format
        byte[] csv = given().get(download).then().statusCode(200).extract().asByteArray();
        List<String> lines = new String(csv, StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(rows + 1);
        assertThat(lines.getFirst()).isEqualTo("id,name,country");
        for (int i = 0; i < rows; i++) {
            assertThat(lines.get(i + 1)).isEqualTo(i + ",org-" + i + ",FI");
        }
        assertRowsInOrder(jsonl(api, id), rows, PagedRows::row);
        // Batchwire's own dialect shows the same job: kind export, its rows, 13 pages as records
        api.req().get("/v1/jobs/" + id).then().statusCode(200).body("kind", equalTo("export"))
                .body("rows", equalTo(rows)).body("state", equalTo("completed")).body("total_records", equalTo(13))
                .body("counts.succeeded", equalTo(13)).body("progress", equalTo(100.0f))
                // an unmetered plan is never charged, an export no more than a job
                .body("credits_charged", equalTo(0));
        assertThat(api.req().get("/v1/credits").then().statusCode(200).extract().<List<Object>>path("items")).isEmpty();
    }

    @Test
    void rowsPastARequestsJsonLimitsAreExportedAsTheUpstreamWroteThem() {
        // deeper, longer numbers and names than a request may have, as a page's rows may: the status topic's message
        // that carries them is read under the limits they were read with, not dead-lettered
        Api api = Api.newTenant();
        int rows = 1_500;
        String link = api.req().body(Map.of("rows", rows, "page_size", 500, "odd", true)).post(PATH)
                .then().statusCode(202).extract().path("link");
        JsonPath done = poll(api, link, Duration.ofSeconds(60));
        assertThat(done.getString("state")).isEqualTo("completed");
        assertThat(done.getLong("progress")).isEqualTo(rows);
        List<String> lines = jsonl(api, done.getString("id"));
        assertRowsInOrder(lines, rows, PagedRows::oddRow);
    }

    @Test
    void aPageWhoseStoreFailsOnceIsStoredWholeWhenTheStatusWriterRetries() {
        // the first insert of export rows from here on fails once, as a serialization failure (40001) would: the
        // status writer retries the transaction, which must start again from the page it came with
        Db.exec("DROP SEQUENCE IF EXISTS test_fail_export_rows_once");
        Db.exec("CREATE SEQUENCE test_fail_export_rows_once");
        Db.exec("""
                CREATE OR REPLACE FUNCTION test_fail_export_rows_once() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF nextval('test_fail_export_rows_once') = 1 THEN
                        RAISE EXCEPTION 'a serialization failure, once (ExportTest)' USING ERRCODE = '40001';
                    END IF;
                    RETURN NULL;
                END $$""");
        Db.exec("CREATE TRIGGER test_fail_export_rows_once BEFORE INSERT ON export_rows FOR EACH STATEMENT "
                + "EXECUTE FUNCTION test_fail_export_rows_once()");
        try {
            Api api = Api.newTenant();
            int rows = 2_500;
            String link = api.req().body(Map.of("rows", rows, "page_size", 1_000)).post(PATH)
                    .then().statusCode(202).extract().path("link");
            JsonPath done = poll(api, link, Duration.ofSeconds(60));
            assertThat(Db.count("SELECT last_value FROM test_fail_export_rows_once")).as("the insert failed once, then went on")
                    .isGreaterThanOrEqualTo(2);
            assertThat(done.getString("state")).isEqualTo("completed");
            assertThat(done.getLong("progress")).isEqualTo(rows);
            List<String> lines = jsonl(api, done.getString("id"));
            assertRowsInOrder(lines, rows, PagedRows::row);
        } finally {
            Db.exec("DROP TRIGGER IF EXISTS test_fail_export_rows_once ON export_rows");
            Db.exec("DROP FUNCTION IF EXISTS test_fail_export_rows_once()");
            Db.exec("DROP SEQUENCE IF EXISTS test_fail_export_rows_once");
        }
    }

    /** The job's rows as JSON lines, downloaded. */
    private static List<String> jsonl(Api api, String id) {
        return new String(api.req().queryParam("format", "jsonl").get("/v1/jobs/" + id + "/download")
                .then().statusCode(200).extract().asByteArray(), StandardCharsets.UTF_8).lines().toList();
    }

    /** Exactly {@code rows} lines, line i being {@code row(i)}. */
    private static void assertRowsInOrder(List<String> lines, int rows, java.util.function.LongFunction<String> row) {
        assertThat(lines).hasSize(rows);
        for (int i = 0; i < rows; i++) {
            assertThat(lines.get(i)).as("row " + i).isEqualTo(row.apply(i));
        }
    }

    @Test
    void offsetPaginationStopsAtTheFirstShortPage() {
        Api api = Api.newTenant();
        String link = api.req().body(Map.of("rows", 1_000)).post("/api/v3/offset-organizations/async")
                .then().statusCode(202).extract().path("link");
        JsonPath done = poll(api, link, Duration.ofSeconds(60));
        assertThat(done.getString("state")).isEqualTo("completed");
        assertThat(done.getLong("progress")).isEqualTo(1_000);
        // json is the default format: one array of the rows as the upstream wrote them
        String json = given().get(done.getString("download_link")).then().statusCode(200)
                .contentType(startsWith("application/json")).extract().asString();
        List<Map<String, Object>> all = JsonPath.from(json).getList("$");
        assertThat(all).hasSize(1_000);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i)).containsEntry("id", i);
        }
        // 4 full pages of 250 and an empty one that ends it
        api.req().get("/v1/jobs/" + done.getString("id")).then().body("total_records", equalTo(5));
    }

    @Test
    void nextLinkPaginationFollowsTheLinksAndXlsxDownloads() {
        Api api = Api.newTenant();
        String link = api.req().queryParam("async_format", "xlsx").body(Map.of("rows", 2_200, "page_size", 500))
                .post("/api/v3/link-organizations/async/").then().statusCode(202).extract().path("link");
        JsonPath done = poll(api, link, Duration.ofSeconds(60));
        assertThat(done.getString("state")).isEqualTo("completed");
        assertThat(done.getLong("progress")).isEqualTo(2_200);
        byte[] xlsx = given().get(done.getString("download_link")).then().statusCode(200)
                .contentType(startsWith("application/vnd.openxmlformats")).extract().asByteArray();
        assertThat(xlsx).startsWith('P', 'K'); // a zip: the workbook
        String id = done.getString("id");
        List<String> lines = jsonl(api, id);
        assertThat(lines).hasSize(2_200);
        assertThat(lines.get(2_199)).isEqualTo(PagedRows.row(2_199));
        api.req().get("/v1/jobs/" + id).then().body("total_records", equalTo(5));
    }

    @Test
    void aCancelledExportStopsFetchingAndIsAFailure() {
        Api api = Api.newTenant();
        String id = api.req().body(Map.of("rows", 500_000, "page_size", 1000, "delay_ms", 200)).post(PATH)
                .then().statusCode(202).extract().path("id");
        String link = "/v1/async_result/" + id + "/";
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Integer progress = api.req().get(link).then().extract().path("progress");
            return progress != null && progress >= 2_000;
        });
        api.req().post("/v1/jobs/" + id + "/cancel").then().statusCode(200).body("state", equalTo("cancelled"));
        JsonPath done = poll(api, link, Duration.ofSeconds(30));
        assertThat(done.getString("state")).isEqualTo("failure");
        assertThat(done.getString("error")).isEqualTo("cancelled");
        long rows = done.getLong("progress");
        int pages = api.job(id).getInt("total_records");
        assertThat(rows).isLessThan(500_000);
        // another export runs to its end through the same pipeline; the cancelled one has taken nothing more since
        // (the outcome of a page in flight at the cancel finds the job ended and is dropped)
        String after = api.req().body(Map.of("rows", 3_000)).post(PATH).then().statusCode(202).extract().path("link");
        assertThat(poll(api, after, Duration.ofSeconds(60)).getString("state")).isEqualTo("completed");
        assertThat(api.req().get(link).then().extract().<Integer>path("progress").longValue()).isEqualTo(rows);
        assertThat(api.job(id).getInt("total_records")).isEqualTo(pages);
        assertThat(api.job(id).getLong("rows")).isEqualTo(rows);
    }

    @Test
    void theFileIsPutToResultUrl() {
        Api api = Api.newTenant();
        String object = "/bucket/" + UUID.randomUUID() + "/ok";
        String link = api.req().queryParam("async_format", "jsonl")
                .body(Map.of("rows", 2_500, "page_size", 1000, "result_url", bucket.url(object)))
                .post(PATH).then().statusCode(202).extract().path("link");
        JsonPath done = poll(api, link, Duration.ofSeconds(60));
        assertThat(done.getString("state")).isEqualTo("completed");
        await().atMost(Duration.ofSeconds(30)).until(() -> bucket.requests(object).size() == 1);
        Receiver.Request put = bucket.requests(object).getFirst();
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.headers().get("Content-Length")).isEqualTo(String.valueOf(put.body().length));
        byte[] file = given().get(done.getString("download_link")).then().statusCode(200).extract().asByteArray();
        assertThat(put.body()).isEqualTo(file);
        assertThat(put.text().lines()).hasSize(2_500);
    }

    @Test
    void anUpstreamWhoseCursorNeverAdvancesFailsTheExportInsteadOfLoopingForEver() {
        Api api = Api.newTenant();
        String link = api.req().body(Map.of("rows", 5_000, "page_size", 1_000, "stuck", true)).post(PATH)
                .then().statusCode(202).extract().path("link");
        JsonPath done = poll(api, link, Duration.ofSeconds(60));
        assertThat(done.getString("state")).isEqualTo("failure");
        assertThat(done.getString("error_msg")).contains("pagination does not advance");
        // the first page was stored; the second answered the cursor it was asked with, and nothing after it was fetched
        api.req().get("/v1/jobs/" + done.getString("id")).then().body("state", equalTo("failed"))
                .body("kind", equalTo("export")).body("rows", equalTo(1_000)).body("total_records", equalTo(2));
    }

    @Test
    void anUpstreamWhosePaginationGoesRoundInACycleFailsTheExport() {
        Api api = Api.newTenant();
        // cursors 1000, 2000, then 1000 again: not the cursor it was asked with, but one it gave before
        String link = api.req().body(Map.of("rows", 10_000, "page_size", 1_000, "cycle", true)).post(PATH)
                .then().statusCode(202).extract().path("link");
        JsonPath done = poll(api, link, Duration.ofSeconds(60));
        assertThat(done.getString("state")).isEqualTo("failure");
        assertThat(done.getString("error_msg")).contains("goes round in a cycle");
        String id = done.getString("id");
        api.req().get("/v1/jobs/" + id).then().body("state", equalTo("failed")).body("rows", equalTo(2_000))
                .body("total_records", equalTo(3)).body("counts.failed", equalTo(1));
        assertThat(api.req().get("/v1/jobs/" + id + "/results/2").then().statusCode(200).extract().<String>path("error.code"))
                .isEqualTo("pagination_stuck");
    }

    @Test
    void hostileOrBrokenPagesFailTheExportAndStoreNothingOfThem() {
        Map<String, String> expected = Map.of(
                "big_row", "row_too_large", "many_rows", "too_many_rows", "truncated", "not_a_page",
                "malformed", "not_a_page", "no_rows", "not_a_page");
        Map<String, String> says = Map.of(
                "big_row", "over 4096 bytes", "many_rows", "more than 2000 rows", "truncated", "truncated",
                "malformed", "not JSON", "no_rows", "no array of rows in 'results'");
        Api api = Api.newTenant();
        Map<String, String> links = new java.util.TreeMap<>();
        for (String hostile : expected.keySet()) {
            links.put(hostile, api.req().body(Map.of("rows", 5_000, "page_size", 1_000, "hostile", hostile, "hostile_at", 1_000))
                    .post(PATH).then().statusCode(202).extract().path("link"));
        }
        for (var e : links.entrySet()) {
            JsonPath done = poll(api, e.getValue(), Duration.ofSeconds(60));
            assertThat(done.getString("state")).as(e.getKey()).isEqualTo("failure");
            assertThat(done.getString("error_msg")).as(e.getKey()).contains(says.get(e.getKey()));
            String id = done.getString("id");
            // the first page is kept; of the bad one nothing, and nothing was asked after it
            JsonPath job = api.job(id);
            assertThat(job.getString("state")).as(e.getKey()).isEqualTo("failed");
            assertThat(job.getLong("rows")).as(e.getKey()).isEqualTo(1_000);
            assertThat(job.getInt("total_records")).as(e.getKey()).isEqualTo(2);
            JsonPath page = api.req().get("/v1/jobs/" + id + "/results/1").then().statusCode(200).extract().jsonPath();
            assertThat(page.getString("error.code")).as(e.getKey()).isEqualTo(expected.get(e.getKey()));
            assertThat(page.getInt("attempts")).as("%s: not worth retrying", e.getKey()).isEqualTo(1);
            List<String> lines = jsonl(api, id);
            assertThat(lines).as(e.getKey()).hasSize(1_000);
            assertThat(lines.getLast()).isEqualTo(PagedRows.row(999));
        }
    }

    @Test
    void anIdempotencyKeyMeansWhatItMeansForJobs() {
        Api api = Api.newTenant();
        String key = UUID.randomUUID().toString();
        Map<String, Object> payload = Map.of("rows", 1_500, "page_size", 1_000);
        String id = api.req().header("Idempotency-Key", key).queryParam("async_format", "csv").body(payload).post(PATH)
                .then().statusCode(202).header("Idempotent-Replayed", nullValue()).extract().path("id");
        // the same key and payload: the same export, as it is now, and nothing new stored
        for (int i = 0; i < 2; i++) {
            api.req().header("Idempotency-Key", key).queryParam("async_format", "csv").body(payload).post(PATH)
                    .then().statusCode(202).header("Idempotent-Replayed", equalTo("true")).body("id", equalTo(id))
                    .body("link", startsWith("http://"));
        }
        // the same key with another payload, or another format: refused as for jobs, nothing stored
        api.req().header("Idempotency-Key", key).queryParam("async_format", "csv").body(Map.of("rows", 99)).post(PATH)
                .then().statusCode(422).contentType("application/problem+json");
        api.req().header("Idempotency-Key", key).queryParam("async_format", "jsonl").body(payload).post(PATH)
                .then().statusCode(422).contentType("application/problem+json");
        // export keys are apart from job keys: the same key submits a job
        api.req().header("Idempotency-Key", key).body(Map.of("type", "company", "records", List.of(Map.of("domain", "ok-idem.com"))))
                .post("/v1/jobs").then().statusCode(202).header("Idempotent-Replayed", nullValue());
        api.req().header("Idempotency-Key", "x".repeat(300)).body(payload).post(PATH).then().statusCode(400)
                .contentType("application/problem+json");
        assertThat(api.req().get("/v1/jobs").then().statusCode(200).extract().<List<Object>>path("items")).hasSize(2);
        assertThat(poll(api, "/v1/async_result/" + id + "/", Duration.ofSeconds(60)).getLong("progress")).isEqualTo(1_500);
    }

    @Test
    void aPayloadTheUpstreamRefusesEndsInFailureWithItsError() {
        Api api = Api.newTenant();
        String link = api.req().body(Map.of("bad", true)).post(PATH).then().statusCode(202).extract().path("link");
        JsonPath done = poll(api, link, Duration.ofSeconds(60));
        assertThat(done.getString("state")).isEqualTo("failure");
        assertThat(done.getString("error")).isEqualTo("failed");
        assertThat(done.getString("error_msg")).contains("400").contains("unknown field 'bad' in the query");
        assertThat(done.getString("download_link")).isNull();
        api.req().get("/v1/jobs/" + done.getString("id")).then().body("state", equalTo("failed"))
                .body("kind", equalTo("export")).body("rows", equalTo(0));
    }

    @Test
    void badRequestsAreProblemsAndStoreNothing() {
        Api api = Api.newTenant();
        api.req().queryParam("async_format", "parquet").body(Map.of("rows", 10)).post(PATH)
                .then().statusCode(400).contentType("application/problem+json").body("detail", startsWith("'async_format'"));
        api.req().body("[1, 2]").post(PATH).then().statusCode(400).contentType("application/problem+json");
        api.req().body(Map.of("rows", 10, "result_url", "http://10.0.0.1/x")).post(PATH)
                .then().statusCode(400).contentType("application/problem+json");
        api.req().body(Map.of("rows", 10)).post("/api/v3/nothing-here/async/")
                .then().statusCode(404).contentType("application/problem+json");
        given().contentType("application/json").body(Map.of("rows", 10)).post(PATH).then().statusCode(401);
        api.req().get("/v1/jobs").then().statusCode(200).body("items.size()", equalTo(0));
        // a batch job is not an export, and another tenant's export is not found
        String batch = api.submit("company", List.of(Map.of("domain", "ok-export.com")));
        api.req().get("/v1/async_result/" + batch + "/").then().statusCode(404);
        String other = Api.newTenant().req().body(Map.of("rows", 10)).post(PATH).then().statusCode(202).extract().path("id");
        api.req().get("/v1/async_result/" + other + "/").then().statusCode(404);
    }

    static JsonPath poll(Api api, String link, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(250)).until(() ->
                List.of("completed", "failure").contains(api.req().get(link).then().statusCode(200).extract().path("state")));
        return api.req().get(link).then().statusCode(200).extract().jsonPath();
    }
}
