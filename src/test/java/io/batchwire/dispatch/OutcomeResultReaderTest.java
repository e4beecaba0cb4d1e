package io.batchwire.dispatch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.batchwire.upstream.RawJson;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outcomes as the status writer reads them: a result object or array stays the JSON text it is in the message (cut
 * out of the bytes, or copied when the parser does not say where it is), numbers and escapes as written; a JSON null
 * is a null node; an export page taken apart keeps its rows as text.
 */
class OutcomeResultReaderTest {

    private static final String ROWS = "[{\"id\":1,\"name\":\"Ä \\\"q\\\" ✓\",\"tags\":[\"a\",{\"b\":[]}],\"n\":-12},"
            + "[1,2],\"plain\",7,null,{},1e400]";
    private static final String PAGE = "{\"rows\": " + ROWS + ", \"next\":\"c-4\",\"seen\":[\"abc\"]}";
    private static final String LIST = "[1, {\"rows\":[1]}, 0.1000000000000000000001]";
    private static final String BODY = "[{\"jobId\":\"0190c3a2-0000-7000-8000-000000000001\",\"index\":3,\"status\":\"succeeded\","
            + "\"statusCode\":200,\"attempts\":1,\"durationMs\":5,\"result\":" + PAGE + "},"
            + "{\"jobId\":\"0190c3a2-0000-7000-8000-000000000001\",\"index\":4,\"status\":\"failed\",\"attempts\":2,"
            + "\"durationMs\":1,\"result\":null,\"error\":{\"code\":\"x\",\"message\":\"y\"}},"
            + "{\"jobId\":\"0190c3a2-0000-7000-8000-000000000001\",\"index\":5,\"status\":\"succeeded\",\"attempts\":1,"
            + "\"durationMs\":1,\"result\":" + LIST + "},"
            + "{\"jobId\":\"0190c3a2-0000-7000-8000-000000000001\",\"index\":6,\"status\":\"succeeded\",\"attempts\":1,"
            + "\"durationMs\":1,\"result\":\"just text\"}]";

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
    private final ObjectReader located = json.readerFor(OutcomeBatch.class).with(JsonParser.Feature.INCLUDE_SOURCE_IN_LOCATION);

    @Test
    void resultsAreCutOutOfTheMessagesBytesAsWritten() throws Exception {
        resultsReadAsWritten(located.<OutcomeBatch>readValue(BODY.getBytes(StandardCharsets.UTF_8)).outcomes());
    }

    @Test
    void resultsAreCutOutOfTextToo() throws Exception {
        resultsReadAsWritten(located.<OutcomeBatch>readValue(BODY).outcomes());
    }

    @Test
    void withoutTheSourceInLocationsResultsAreCopiedWithNumbersExact() throws Exception {
        List<RecordOutcome> outcomes = json.readerFor(OutcomeBatch.class).<OutcomeBatch>readValue(
                BODY.getBytes(StandardCharsets.UTF_8)).outcomes();
        assertThat(RawJson.isRaw(outcomes.get(0).result())).isTrue();
        assertThat(json.readTree(RawJson.text(outcomes.get(0).result()))).isEqualTo(json.readTree(PAGE));
        assertThat(RawJson.text(outcomes.get(2).result())).isEqualTo("[1,{\"rows\":[1]},0.1000000000000000000001]");
        assertThat(RawJson.text(outcomes.get(0).result())).contains("1E+400").doesNotContain("Infinity");
        assertThat(outcomes.get(1).result().isNull()).isTrue();
    }

    @Test
    void aPageTakenApartKeepsItsRowsAsText() throws Exception {
        JsonNode page = OutcomeResultReader.page(located.<OutcomeBatch>readValue(BODY.getBytes(StandardCharsets.UTF_8))
                .outcomes().get(0).result());
        assertThat(page.get("rows").size()).isEqualTo(7);
        page.get("rows").forEach(r -> assertThat(RawJson.isRaw(r)).isTrue());
        assertThat(RawJson.text(page.get("rows").get(0))).isEqualTo("{\"id\":1,\"name\":\"Ä \\\"q\\\" ✓\",\"tags\":[\"a\",{\"b\":[]}],\"n\":-12}");
        assertThat(RawJson.text(page.get("rows").get(3))).isEqualTo("7");
        assertThat(new java.math.BigDecimal(RawJson.text(page.get("rows").get(6)))).isEqualByComparingTo("1e400");
        assertThat(page.get("next").asText()).isEqualTo("c-4");
        assertThat(page.get("seen").get(0).asText()).isEqualTo("abc");
        // written out, the page is the same JSON as read
        assertThat(json.readTree(page.toString())).isEqualTo(json.readTree(PAGE));
        // a node that is not raw text is already a tree
        JsonNode tree = json.readTree(PAGE);
        assertThat(OutcomeResultReader.page(tree)).isSameAs(tree);
    }

    @Test
    void aPageIsTakenApartWithRowsAsDeepAsThePageReaderTakesThem() {
        // a top-level array answer holds rows one level down: a row may nest PageReader.MAX_DEPTH - 1 levels
        int depth = io.batchwire.upstream.PageReader.MAX_DEPTH - 1;
        String row = "[".repeat(depth) + "]".repeat(depth);
        JsonNode page = OutcomeResultReader.page(RawJson.of("{\"rows\":[" + row + "],\"next\":null}"));
        assertThat(RawJson.text(page.get("rows").get(0))).isEqualTo(row);
    }

    private static void resultsReadAsWritten(List<RecordOutcome> outcomes) {
        assertThat(outcomes).hasSize(4);
        assertThat(RawJson.isRaw(outcomes.get(0).result())).isTrue();
        assertThat(RawJson.text(outcomes.get(0).result())).isEqualTo(PAGE);
        assertThat(outcomes.get(1).result().isNull()).isTrue();
        assertThat(outcomes.get(1).error().code()).isEqualTo("x");
        assertThat(RawJson.text(outcomes.get(2).result())).isEqualTo(LIST);
        assertThat(outcomes.get(3).result().textValue()).isEqualTo("just text");
        assertThat(outcomes.get(3).index()).isEqualTo(6);
    }
}
