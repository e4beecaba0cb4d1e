package io.batchwire.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outcomes as the status writer reads them: an export page's rows stay JSON text (never trees) and write out as they
 * came; any other result reads as before, a JSON null as a null node.
 */
class OutcomeResultReaderTest {

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());

    @Test
    void aPagesRowsAreKeptAsTextAndWriteOutAsTheyCame() throws Exception {
        String rows = "[{\"id\":1,\"name\":\"Ä \\\"q\\\"\",\"tags\":[\"a\",{\"b\":[]}],\"n\":-12},[1,2],\"plain\",7,null,{}]";
        String body = "[{\"jobId\":\"0190c3a2-0000-7000-8000-000000000001\",\"index\":3,\"status\":\"succeeded\","
                + "\"statusCode\":200,\"attempts\":1,\"durationMs\":5,\"result\":{\"rows\":" + rows + ",\"next\":\"c-4\","
                + "\"seen\":[\"abc\"]}},"
                + "{\"jobId\":\"0190c3a2-0000-7000-8000-000000000001\",\"index\":4,\"status\":\"failed\",\"attempts\":2,"
                + "\"durationMs\":1,\"result\":null,\"error\":{\"code\":\"x\",\"message\":\"y\"}},"
                + "{\"jobId\":\"0190c3a2-0000-7000-8000-000000000001\",\"index\":5,\"status\":\"succeeded\",\"attempts\":1,"
                + "\"durationMs\":1,\"result\":[1,{\"rows\":[1]}]}]";
        List<RecordOutcome> outcomes = json.readerFor(OutcomeBatch.class).<OutcomeBatch>readValue(
                body.getBytes(StandardCharsets.UTF_8)).outcomes();
        JsonNode page = outcomes.get(0).result();
        assertThat(page.get("rows").size()).isEqualTo(6);
        page.get("rows").forEach(r -> assertThat(r).isInstanceOf(POJONode.class));
        assertThat(page.get("rows").get(0).toString()).isEqualTo("{\"id\":1,\"name\":\"Ä \\\"q\\\"\",\"tags\":[\"a\",{\"b\":[]}],\"n\":-12}");
        assertThat(page.get("rows").get(3).toString()).isEqualTo("7");
        assertThat(page.get("next").asText()).isEqualTo("c-4");
        assertThat(page.get("seen").get(0).asText()).isEqualTo("abc");
        // written out, the result is the same JSON as read
        assertThat(json.readTree(page.toString())).isEqualTo(json.readTree("{\"rows\":" + rows + ",\"next\":\"c-4\",\"seen\":[\"abc\"]}"));
        assertThat(outcomes.get(1).result().isNull()).isTrue();
        assertThat(outcomes.get(2).result().toString()).isEqualTo("[1,{\"rows\":[1]}]");
    }
}
