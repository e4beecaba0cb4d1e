package io.batchwire.result.export;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchwire.job.ExportFormat;
import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 1000-record job with ~20 KB results (~20 MB as JSON): the file streams in many chunks of bounded size, each read
 * from the database only when asked for, and still downloads whole in every format.
 */
@QuarkusTest
class LargeDownloadTest {

    private static final int RECORDS = 1000;

    @Inject
    Exporter exporter;

    @Test
    void everyFormatStreamsInManyBoundedChunks() {
        Api api = Api.newTenant();
        UUID id = bigJob(api);

        for (ExportFormat format : ExportFormat.values()) {
            List<Integer> chunks = new ArrayList<>();
            AssertSubscriber<Buffer> reader = exporter.stream(id, format).subscribe().withSubscriber(AssertSubscriber.create(0));
            while (!reader.hasCompleted()) {
                int before = reader.getItems().size();
                reader.request(1);
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> reader.getItems().size() > before || reader.hasCompleted() || reader.getFailure() != null);
                assertThat(reader.getFailure()).isNull();
                // never more than was asked for
                assertThat(reader.getItems()).hasSizeLessThanOrEqualTo(chunks.size() + 1);
                if (reader.getItems().size() > before) {
                    chunks.add(reader.getLastItem().length());
                }
            }
            long total = chunks.stream().mapToLong(Integer::longValue).sum();
            int largest = chunks.stream().mapToInt(Integer::intValue).max().orElseThrow();

            assertThat(total).as(format + " file size").isGreaterThan(format == ExportFormat.XLSX ? 5_000_000 : 20_000_000);
            assertThat(chunks).as(format + " chunk count").hasSizeGreaterThanOrEqualTo(15);
            assertThat(largest).as(format + " largest chunk").isLessThan((int) (total / 10));
        }
    }

    @Test
    void pagesAreReadOnlyWhenTheReaderAsksForThem() {
        Api api = Api.newTenant();
        UUID id = bigJob(api);
        AssertSubscriber<Buffer> reader = exporter.stream(id, ExportFormat.JSONL).subscribe().withSubscriber(AssertSubscriber.create(1));
        reader.awaitItems(1);

        // while the reader holds back, the second half of the job disappears; a stream that had read ahead would still send it
        Db.exec("DELETE FROM job_records WHERE job_id = ? AND idx >= 500", id);
        reader.request(Long.MAX_VALUE).awaitCompletion(Duration.ofSeconds(60));

        StringBuilder file = new StringBuilder();
        reader.getItems().forEach(b -> file.append(b.toString(StandardCharsets.UTF_8)));
        assertThat(file.toString().split("\n")).hasSize(500);
    }

    @Test
    void theHttpDownloadIsChunkedAndWhole() throws Exception {
        Api api = Api.newTenant();
        UUID id = bigJob(api);
        List<JsonNode> outcomes = Fetch.outcomes(api, id.toString());
        assertThat(outcomes).hasSize(RECORDS);

        for (ExportFormat format : ExportFormat.values()) {
            Response r = api.req().queryParam("format", format.wire()).get("/v1/jobs/" + id + "/download");
            assertThat(r.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(r.header("Content-Length")).isNull();
            Fetch.assertHolds(format, Fetch.checked(r, id.toString(), format),
                    DownloadTest.header("result.blob", "result.i"), outcomes);
        }
    }

    /** A finished job of 1000 succeeded records, each result {"i": n, "blob": <20,480 hex characters>}. */
    static UUID bigJob(Api api) {
        UUID id = UUID.randomUUID();
        Db.exec("""
                INSERT INTO jobs (id, tenant_id, type, state, total_records, succeeded, result_seq, created_at, started_at,
                                  finished_at, dispatched_at)
                VALUES (?, ?, 'company', 'completed', ?, ?, ?, now(), now(), now(), now())""",
                id, api.tenant().id(), RECORDS, RECORDS, RECORDS);
        Db.exec("""
                INSERT INTO job_records (job_id, idx, input, status, status_code, attempts, started_at, completed_at,
                                         duration_ms, result, seq)
                SELECT ?, g, jsonb_build_object('domain', 'big-' || g), 'succeeded', 200, 1, now(), now(), 5,
                       jsonb_build_object('i', g,
                           'blob', (SELECT string_agg(md5(g || '-' || s), '') FROM generate_series(1, 640) s)),
                       g + 1
                  FROM generate_series(0, ? - 1) g""", id, RECORDS);
        return id;
    }
}
