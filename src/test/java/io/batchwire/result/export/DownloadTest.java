package io.batchwire.result.export;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchwire.api.Problem;
import io.batchwire.job.ExportFormat;
import io.batchwire.job.Job;
import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class DownloadTest {

    @Inject
    DownloadLinks links;

    @Inject
    DownloadTokens tokens;

    @Test
    void eachFormatDownloadsExactlyTheStoredOutcomes() throws Exception {
        Api api = Api.newTenant();
        String id = finishedCompanyJob(api, 12);
        List<JsonNode> outcomes = Fetch.outcomes(api, id);
        assertThat(outcomes).hasSize(12);
        List<String> header = header("result.attempt", "result.key", "result.method", "result.path");

        for (ExportFormat format : ExportFormat.values()) {
            Fetch.assertHolds(format, Fetch.download(api, id, format), header, outcomes);
        }
        // the default is jsonl; the format parameter, not the Accept header, decides
        Fetch.checked(api.req().get("/v1/jobs/" + id + "/download"), id, ExportFormat.JSONL);
        Fetch.checked(api.req().accept("application/json").queryParam("format", "csv").get("/v1/jobs/" + id + "/download"),
                id, ExportFormat.CSV);
        Fetch.checked(api.req().accept("text/csv").queryParam("format", "csv").get("/v1/jobs/" + id + "/download"),
                id, ExportFormat.CSV);
    }

    @Test
    void resultsOfEveryShapeFlattenIntoColumns() throws Exception {
        Api api = Api.newTenant();
        UUID id = insertedJob(api, List.of(
                "{\"name\": \"a,b \\\"q\\\"\\nline ünï\", \"n\": 1, \"nested\": {\"x\": [1, 2]}}",
                "{\"n\": 2.5, \"flag\": false}",
                "\"just text\"",
                "[1, 2]",
                "12345678901234567890"));
        Db.exec("""
                UPDATE job_records SET status = 'failed', status_code = 404, attempts = 1, result = NULL,
                    error = '{"code": "upstream_status", "message": "upstream answered 404"}'
                 WHERE job_id = ? AND idx = 5""", id);
        List<JsonNode> outcomes = Fetch.outcomes(api, id.toString());
        assertThat(outcomes.get(6).get("status").asText()).isEqualTo("pending");
        List<String> header = header("result", "result.flag", "result.n", "result.name", "result.nested");

        for (ExportFormat format : ExportFormat.values()) {
            Fetch.assertHolds(format, Fetch.download(api, id.toString(), format), header, outcomes);
        }
    }

    @Test
    void aSignedLinkDownloadsWithoutAnApiKey() throws Exception {
        Api api = Api.newTenant();
        String id = finishedCompanyJob(api, 6);
        Job job = job(api, id);

        for (ExportFormat format : ExportFormat.values()) {
            DownloadLink link = links.linkFor(job, format);
            assertThat(link.href()).startsWith("/v1/downloads/");
            assertThat(link.expiresAt()).isBetween(OffsetDateTime.now().plusMinutes(14), OffsetDateTime.now().plusMinutes(16));
            byte[] viaLink = Fetch.link(link.href(), id, format);
            if (format != ExportFormat.XLSX) {
                // same bytes as through the API (an xlsx carries its creation time)
                assertThat(viaLink).isEqualTo(Fetch.download(api, id, format));
            }
            Fetch.assertHolds(format, viaLink, header("result.attempt", "result.key", "result.method", "result.path"),
                    Fetch.outcomes(api, id));
        }
    }

    @Test
    void aTamperedOrGarbledLinkIs403() {
        Api api = Api.newTenant();
        String id = finishedCompanyJob(api, 2);
        String href = links.linkFor(job(api, id), ExportFormat.CSV).href();
        int at = href.length() - 20;
        String tampered = href.substring(0, at) + (href.charAt(at) == 'A' ? 'B' : 'A') + href.substring(at + 1);

        for (String bad : List.of(tampered, href.substring(0, href.length() - 2), "/v1/downloads/not-a-token",
                "/v1/downloads/" + "A".repeat(99))) {
            given().get(bad).then().statusCode(403)
                    .contentType(Problem.MEDIA_TYPE)
                    .body("type", equalTo(Problem.type("download-link-invalid")))
                    .body("status", equalTo(403));
        }
        // the API key of the job's own tenant does not make a bad link good
        given().header("X-API-Key", api.tenant().apiKey()).get(tampered).then().statusCode(403);
    }

    @Test
    void anExpiredLinkIs410() {
        Api api = Api.newTenant();
        String id = finishedCompanyJob(api, 2);
        String token = tokens.sign(new DownloadGrant(UUID.fromString(id), api.tenant().id(), ExportFormat.JSONL,
                Instant.now().minusSeconds(1)));

        given().get("/v1/downloads/" + token).then().statusCode(410)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo(Problem.type("download-link-expired")))
                .body("detail", startsWith("this download link expired at "));
    }

    @Test
    void aLinkToAJobThatIsGoneIs404() {
        Api api = Api.newTenant();
        UUID id = insertedJob(api, List.of("{\"a\": 1}"));
        String href = links.linkFor(job(api, id.toString()), ExportFormat.JSON).href();
        Fetch.link(href, id.toString(), ExportFormat.JSON);

        Db.exec("DELETE FROM jobs WHERE id = ?", id);

        given().get(href).then().statusCode(404).contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo(Problem.type("not-found")));
    }

    @Test
    void anotherTenantsJobIs404AndNoKeyIs401() {
        Api owner = Api.newTenant();
        Api other = Api.newTenant();
        UUID id = insertedJob(owner, List.of("{\"a\": 1}"));

        for (ExportFormat format : ExportFormat.values()) {
            other.req().queryParam("format", format.wire()).get("/v1/jobs/" + id + "/download").then().statusCode(404)
                    .contentType(Problem.MEDIA_TYPE).body("type", equalTo(Problem.type("not-found")));
        }
        other.req().get("/v1/jobs/" + UUID.randomUUID() + "/download").then().statusCode(404);
        other.req().get("/v1/jobs/not-a-job/download").then().statusCode(404);
        given().get("/v1/jobs/" + id + "/download").then().statusCode(401);
    }

    @Test
    void anUnknownFormatIs400() {
        Api api = Api.newTenant();
        UUID id = insertedJob(api, List.of("{\"a\": 1}"));

        api.req().queryParam("format", "pdf").get("/v1/jobs/" + id + "/download").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo(Problem.type("validation-error")))
                .body("field", equalTo("format"))
                .body("detail", equalTo("'format' must be one of json, jsonl, csv, xlsx"));
    }

    @Test
    void aRunningJobDownloadsWhatIsThere() throws Exception {
        Api api = Api.newTenant();
        String k = UUID.randomUUID().toString().substring(0, 8);
        String id = api.submit("company", Api.records(5, i -> Map.of("domain", "delay-2000-" + k + "-" + i)));

        List<JsonNode> lines = ExportFiles.jsonl(Fetch.download(api, id, ExportFormat.JSONL));

        assertThat(lines).extracting(l -> l.get("index").asInt()).containsExactly(0, 1, 2, 3, 4);
        assertThat(lines).extracting(l -> l.get("status").asText()).contains("pending");
        ExportFiles.Table csv = ExportFiles.csv(Fetch.download(api, id, ExportFormat.CSV));
        assertThat(csv.rows()).hasSize(5);
        api.awaitFinal(id, Duration.ofSeconds(60));
    }

    /** A company job of n records, finished: every 4th one fails with 404, even ones carry a custom_id. */
    private static String finishedCompanyJob(Api api, int n) {
        String k = UUID.randomUUID().toString().substring(0, 8);
        String id = api.submit("company", Api.records(n, i -> {
            Map<String, Object> r = new HashMap<>();
            r.put("domain", (i % 4 == 3 ? "missing-" : "ok-") + k + "-" + i);
            if (i % 2 == 0) {
                r.put("custom_id", "row-" + i);
            }
            return r;
        }));
        JsonPath done = api.awaitFinal(id, Duration.ofSeconds(60));
        assertThat(done.getString("state")).isEqualTo("completed");
        assertThat(done.getInt("counts.failed")).isEqualTo(n / 4);
        assertThat(done.getInt("counts.succeeded")).isEqualTo(n - n / 4);
        return id;
    }

    /** A finished job written straight to the store: one succeeded record per result, then two pending ones. */
    static UUID insertedJob(Api api, List<String> results) {
        UUID id = UUID.randomUUID();
        int n = results.size() + 2;
        Db.exec("""
                INSERT INTO jobs (id, tenant_id, type, state, total_records, succeeded, created_at, started_at, finished_at,
                                  dispatched_at)
                VALUES (?, ?, 'company', 'processing', ?, ?, now(), now(), now(), now())""",
                id, api.tenant().id(), n, results.size());
        for (int i = 0; i < n; i++) {
            Db.exec("INSERT INTO job_records (job_id, idx, custom_id, input) VALUES (?, ?, ?, '{}')",
                    id, i, i % 3 == 0 ? "c-" + i : null);
        }
        for (int i = 0; i < results.size(); i++) {
            Db.exec("""
                    UPDATE job_records SET status = 'succeeded', status_code = 200, attempts = 1,
                        started_at = now() - interval '1 second', completed_at = now(), duration_ms = 1000,
                        result = ?::jsonb, seq = idx + 1
                     WHERE job_id = ? AND idx = ?""", results.get(i), id, i);
        }
        return id;
    }

    static List<String> header(String... resultColumns) {
        List<String> out = new ArrayList<>(ResultColumns.FIXED);
        out.addAll(List.of(resultColumns));
        return out;
    }

    private static Job job(Api api, String id) {
        Job job = new Job();
        job.id = UUID.fromString(id);
        job.tenantId = api.tenant().id();
        return job;
    }
}
