package io.batchwire.result.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.Row;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads export files back, with independent parsers, and checks them against results-API items. */
final class ExportFiles {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TIMES = List.of("started_at", "completed_at");

    private ExportFiles() {
    }

    /** A CSV or XLSX file: its header and rows (CSV cells as text, XLSX cells as the reader types them). */
    record Table(List<String> header, List<List<Object>> rows) {
    }

    static List<JsonNode> json(byte[] file) throws IOException {
        JsonNode array = JSON.readTree(file);
        assertThat(array.isArray()).as("a json download is one array").isTrue();
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    static List<JsonNode> jsonl(byte[] file) throws IOException {
        String text = new String(file, StandardCharsets.UTF_8);
        assertThat(text).as("every line of jsonl ends with a newline").endsWith("\n");
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    static Table csv(byte[] file) throws IOException {
        CsvMapper csv = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
        List<String> header = null;
        List<List<Object>> rows = new ArrayList<>();
        try (MappingIterator<String[]> it = csv.readerFor(String[].class).with(CsvSchema.emptySchema()).readValues(file)) {
            while (it.hasNext()) {
                String[] r = it.next();
                if (header == null) {
                    header = List.of(r);
                    continue;
                }
                assertThat(r).as("every CSV row has one cell per column").hasSize(header.size());
                rows.add(Arrays.stream(r).map(s -> (Object) (s.isEmpty() ? null : s)).toList());
            }
        }
        assertThat(new String(file, StandardCharsets.UTF_8)).as("CSV lines end in CRLF").contains("\r\n");
        return new Table(header, rows);
    }

    static Table xlsx(byte[] file) throws IOException {
        try (ReadableWorkbook book = new ReadableWorkbook(new ByteArrayInputStream(file));
             Stream<Row> sheet = book.getFirstSheet().openStream()) {
            List<Row> all = sheet.toList();
            List<String> header = all.getFirst().stream().map(Cell::asString).toList();
            List<List<Object>> rows = new ArrayList<>();
            for (Row r : all.subList(1, all.size())) {
                List<Object> cells = new ArrayList<>();
                for (int c = 0; c < header.size(); c++) {
                    Cell cell = r.getOptionalCell(c).orElse(null);
                    cells.add(cell == null ? null : switch (cell.getType()) {
                        case NUMBER -> TIMES.contains(header.get(c)) ? cell.asDate() : cell.asNumber();
                        case STRING -> cell.asString();
                        case BOOLEAN -> cell.asBoolean();
                        case EMPTY -> null;
                        default -> throw new AssertionError("unexpected cell " + cell);
                    });
                }
                rows.add(cells);
            }
            return new Table(header, rows);
        }
    }

    /** The table holds exactly these items, in order, laid out as {@code header} says. */
    static void assertTable(Table table, List<String> header, List<JsonNode> items) {
        assertThat(table.header()).isEqualTo(header);
        assertThat(table.rows()).hasSize(items.size());
        boolean spread = header.stream().anyMatch(h -> h.startsWith("result."));
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            Map<String, JsonNode> expected = new HashMap<>();
            for (String col : ResultColumns.FIXED) {
                expected.put(col, item.get(col));
            }
            JsonNode error = item.get("error");
            expected.put("error_code", error.path("code"));
            expected.put("error_message", error.path("message"));
            JsonNode result = item.get("result");
            expected.put("result", spread && result.isObject() ? null : result);
            for (String col : header) {
                if (col.startsWith("result.")) {
                    expected.put(col, result.isObject() ? result.get(col.substring(7)) : null);
                }
            }
            for (int c = 0; c < header.size(); c++) {
                String col = header.get(c);
                assertCell("row " + i + " " + col, expected.get(col), table.rows().get(i).get(c));
            }
        }
    }

    private static void assertCell(String where, JsonNode expected, Object actual) {
        if (expected == null || expected.isNull() || expected.isMissingNode()) {
            assertThat(actual).as(where).isNull();
            return;
        }
        switch (actual) {
            case LocalDateTime t -> assertThat(Duration.between(Instant.parse(expected.textValue()), t.toInstant(ZoneOffset.UTC)).abs())
                    .as(where).isLessThan(Duration.ofMillis(1));
            case BigDecimal n -> {
                assertThat(expected.isNumber()).as(where + " is a number").isTrue();
                assertThat(n).as(where).isEqualByComparingTo(new BigDecimal(expected.asText()));
            }
            case Boolean b -> assertThat(expected.isBoolean() && expected.booleanValue() == b).as(where).isTrue();
            case String s when expected.isTextual() && s.length() == XlsxWriter.MAX_CELL_CHARS && s.endsWith("…") ->
                    assertThat(expected.textValue()).as(where).startsWith(s.substring(0, s.length() - 1));
            case String s when expected.isTextual() && (where.endsWith("started_at") || where.endsWith("completed_at")) ->
                    assertThat(Instant.parse(s)).as(where).isEqualTo(Instant.parse(expected.textValue()));
            case String s when expected.isTextual() -> assertThat(s).as(where).isEqualTo(expected.textValue());
            case String s -> assertThat(s).as(where).isEqualTo(expected.toString());
            default -> throw new AssertionError(where + ": unexpected cell " + actual);
        }
    }
}
