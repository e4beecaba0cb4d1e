package io.batchwire.result.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.batchwire.api.ProblemException;
import io.batchwire.job.ExportFormat;
import io.batchwire.job.RecordState;
import io.batchwire.result.RecordView;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The four writers on awkward records, read back by independent parsers. */
class ExportWritersTest {

    /** Configured as the application's mapper is (snake_case, RFC 3339 timestamps). */
    private static final ObjectMapper APP = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private static final OffsetDateTime T0 = OffsetDateTime.parse("2026-03-01T10:15:30.123456Z");

    private static final List<RecordView> RECORDS = List.of(
            ok(0, "c,1", """
                    {"name": "Ünïcødé, \\"quoted\\"\\nnew line", "n": 42, "pi": 3.14159, "ok": true, "none": null,
                     "nested": {"a": [1, 2, {"b": "c"}]}, "big": 12345678901234567890, "exact": 9007199254740993,
                     "list": [1, "two"]}"""),
            ok(1, null, "{\"formula\": \"=SUM(A1:A2)\", \"n\": -7, \"long\": \"" + "x".repeat(40_000) + "\"}"),
            ok(2, "plain", "\"just text\""),
            ok(3, null, "[1, 2, 3]"),
            ok(4, null, "12.5"),
            RecordView.ofJob(5, "c5", RecordState.FAILED.wire(), 404, 1, T0, T0.plusNanos(7_000_000), 7L, null,
                    "{\"code\": \"upstream_status\", \"message\": \"upstream answered 404: {\\\"error\\\":\\\"x\\\"}\"}"),
            RecordView.ofJob(6, null, RecordState.TIMED_OUT.wire(), null, 3, T0, T0.plusSeconds(2), 2000L, null,
                    "{\"code\": \"timeout\", \"message\": \"upstream did not answer in time\"}"),
            RecordView.ofJob(7, null, RecordState.PENDING.wire(), null, 0, null, null, null, null, null));

    private static final ResultColumns LAYOUT = ResultColumns.of(
            Set.of("name", "n", "pi", "ok", "none", "nested", "big", "exact", "list", "formula", "long"), true, 500);

    @Test
    void jsonIsAnArrayOfTheResultsApiObjects() throws IOException {
        assertThat(ExportFiles.json(write(ExportFormat.JSON))).isEqualTo(apiItems());
    }

    @Test
    void jsonlIsOneResultsApiObjectPerLine() throws IOException {
        assertThat(ExportFiles.jsonl(write(ExportFormat.JSONL))).isEqualTo(apiItems());
    }

    @Test
    void csvFlattensResultsIntoSortedColumns() throws IOException {
        ExportFiles.Table csv = ExportFiles.csv(write(ExportFormat.CSV));

        assertThat(csv.header()).containsExactly("index", "custom_id", "status", "status_code", "attempts", "started_at",
                "completed_at", "duration_ms", "error_code", "error_message", "result", "result.big", "result.exact",
                "result.formula", "result.list", "result.long", "result.n", "result.name", "result.nested",
                "result.none", "result.ok", "result.pi");
        ExportFiles.assertTable(csv, LAYOUT.header(), apiItems());
        List<Object> first = csv.rows().getFirst();
        assertThat(first.get(csv.header().indexOf("result.nested"))).isEqualTo("{\"a\":[1,2,{\"b\":\"c\"}]}");
        assertThat(first.get(csv.header().indexOf("result.big"))).isEqualTo("12345678901234567890");
        assertThat(first.get(csv.header().indexOf("started_at"))).isEqualTo("2026-03-01T10:15:30.123456Z");
        assertThat(csv.rows().get(3).get(csv.header().indexOf("result"))).isEqualTo("[1,2,3]");
    }

    @Test
    void xlsxHasTypedCellsInTheSameColumns() throws IOException {
        ExportFiles.Table xlsx = ExportFiles.xlsx(write(ExportFormat.XLSX));

        ExportFiles.assertTable(xlsx, LAYOUT.header(), apiItems());
        List<Object> first = xlsx.rows().getFirst();
        assertThat(first.get(0)).isInstanceOf(java.math.BigDecimal.class);
        assertThat(first.get(xlsx.header().indexOf("result.n"))).isInstanceOf(java.math.BigDecimal.class);
        assertThat(first.get(xlsx.header().indexOf("result.ok"))).isEqualTo(true);
        assertThat(first.get(xlsx.header().indexOf("started_at"))).isInstanceOf(java.time.LocalDateTime.class);
        // beyond 2^53 a number would lose digits in Excel, so it stays text
        assertThat(first.get(xlsx.header().indexOf("result.exact"))).isEqualTo("9007199254740993");
        assertThat(first.get(xlsx.header().indexOf("result.big"))).isEqualTo("12345678901234567890");
        // the formula-looking string is a string, not a formula
        assertThat(xlsx.rows().get(1).get(xlsx.header().indexOf("result.formula"))).isEqualTo("=SUM(A1:A2)");
        assertThat((String) xlsx.rows().get(1).get(xlsx.header().indexOf("result.long"))).hasSize(XlsxWriter.MAX_CELL_CHARS);
    }

    @Test
    void xlsxRowsReachTheStreamPageByPage() throws IOException {
        ChunkSink sink = new ChunkSink();
        ExportWriter writer = new XlsxWriter(sink, ResultColumns.of(Set.of("blob"), false, 10), APP);
        List<Integer> chunks = new ArrayList<>();
        for (int page = 0; page < 10; page++) {
            for (int i = 0; i < 50; i++) {
                writer.write(ok(page * 50 + i, null, "{\"blob\": \"" + randomText(page * 50 + i, 20_000) + "\"}"));
            }
            writer.flush();
            chunks.add(sink.drain().length());
        }
        writer.finish();
        chunks.add(sink.drain().length());

        // every page of rows left as bytes when it was flushed; nothing waited for the end
        assertThat(chunks.subList(0, 10)).allSatisfy(n -> assertThat(n).isPositive());
    }

    @Test
    void tooManyKeysPutWholeResultsInOneColumn() {
        Set<String> keys = new TreeSet<>();
        for (int i = 0; i < 20; i++) {
            keys.add("k" + i);
        }
        ResultColumns layout = ResultColumns.of(keys, false, 10);

        assertThat(layout.keys()).isEmpty();
        assertThat(layout.header()).endsWith("error_message", "result");
        Object[] row = new Flattener(layout, APP).row(ok(0, null, "{\"k1\": 1, \"k2\": {\"x\": true}}"));
        assertThat(row[row.length - 1]).isEqualTo("{\"k1\":1,\"k2\":{\"x\":true}}");
    }

    @Test
    void formatsParseAndUnknownOnesAre400() {
        assertThat(ExportFormat.parse(null)).isEqualTo(ExportFormat.JSONL);
        assertThat(ExportFormat.parse("")).isEqualTo(ExportFormat.JSONL);
        assertThat(ExportFormat.parse("CSV")).isEqualTo(ExportFormat.CSV);
        assertThat(ExportFormat.parse("xlsx").mediaType()).startsWith("application/vnd.openxmlformats");
        assertThatThrownBy(() -> ExportFormat.parse("pdf")).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.toProblem().field()).isEqualTo("format");
            assertThat(e.getMessage()).contains("json, jsonl, csv, xlsx");
        });
    }

    private static byte[] write(ExportFormat format) throws IOException {
        ChunkSink sink = new ChunkSink();
        ExportWriter writer = switch (format) {
            case JSON -> new JsonArrayWriter(sink, APP);
            case JSONL -> new JsonLinesWriter(sink, APP);
            case CSV -> new CsvWriter(sink, LAYOUT, APP);
            case XLSX -> new XlsxWriter(sink, LAYOUT, APP);
        };
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        for (RecordView r : RECORDS) {
            writer.write(r);
            writer.flush();
            file.write(sink.drain().getBytes());
        }
        writer.finish();
        file.write(sink.drain().getBytes());
        return file.toByteArray();
    }

    /** Text that does not compress away, so that what is written shows in the output at once. */
    private static String randomText(long seed, int n) {
        java.util.Random random = new java.util.Random(seed);
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            out.append((char) ('a' + random.nextInt(26)));
        }
        return out.toString();
    }

    /** The records as the results API shows them. */
    private static List<JsonNode> apiItems() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (RecordView r : RECORDS) {
            out.add(ExportFiles.JSON.readTree(APP.writeValueAsString(r)));
        }
        return out;
    }

    /** A succeeded record; the result is compacted as Postgres gives jsonb back (one line). */
    private static RecordView ok(int index, String customId, String result) {
        try {
            return RecordView.ofJob(index, customId, RecordState.SUCCEEDED.wire(), 200, 1, T0, T0.plusNanos(12_345_000), 12L,
                    APP.readTree(result).toString(), null);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
