package io.batchwire.result.export;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchwire.job.ExportFormat;
import io.batchwire.testing.Api;
import io.restassured.response.Response;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Download calls and what they are checked against, for the integration tests. */
final class Fetch {

    private Fetch() {
    }

    /** {@code GET /v1/jobs/{id}/download?format=...} with the tenant's key, asserting a 200 with the format's headers. */
    static byte[] download(Api api, String jobId, ExportFormat format) {
        Response r = api.req().queryParam("format", format.wire()).get("/v1/jobs/" + jobId + "/download");
        return checked(r, jobId, format);
    }

    /** A signed link, without any API key. */
    static byte[] link(String href, String jobId, ExportFormat format) {
        return checked(given().get(href), jobId, format);
    }

    static byte[] checked(Response r, String jobId, ExportFormat format) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo(format.mediaType());
        assertThat(r.header("Content-Disposition")).isEqualTo("attachment; filename=\"" + jobId + "." + format.extension() + "\"");
        assertThat(r.header("Cache-Control")).isEqualTo("private, no-store");
        return r.asByteArray();
    }

    /** Every outcome of the job as the results API gives it, in index order. */
    static List<JsonNode> outcomes(Api api, String jobId) throws IOException {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            var req = api.req().queryParam("limit", 1000);
            if (cursor != null) {
                req = req.queryParam("cursor", cursor);
            }
            JsonNode page = ExportFiles.JSON.readTree(req.get("/v1/jobs/" + jobId + "/results").then().statusCode(200)
                    .extract().asByteArray());
            page.get("items").forEach(all::add);
            cursor = page.get("has_more").asBoolean() ? page.get("cursor_next").asText() : null;
        } while (cursor != null);
        return all;
    }

    /** Asserts that the file, read back with its own parser, holds exactly these outcomes. */
    static void assertHolds(ExportFormat format, byte[] file, List<String> header, List<JsonNode> outcomes) throws IOException {
        switch (format) {
            case JSON -> assertThat(ExportFiles.json(file)).isEqualTo(outcomes);
            case JSONL -> assertThat(ExportFiles.jsonl(file)).isEqualTo(outcomes);
            case CSV -> ExportFiles.assertTable(ExportFiles.csv(file), header, outcomes);
            case XLSX -> ExportFiles.assertTable(ExportFiles.xlsx(file), header, outcomes);
        }
    }
}
