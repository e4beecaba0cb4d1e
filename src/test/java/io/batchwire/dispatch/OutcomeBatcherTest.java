package io.batchwire.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class OutcomeBatcherTest {

    private static final Vertx VERTX = Vertx.vertx();
    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterAll
    static void close() {
        VERTX.close();
    }

    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final List<Integer> counts = new CopyOnWriteArrayList<>();

    private OutcomeBatcher batcher(int maxCount, int maxBytes, long lingerMs) {
        return new OutcomeBatcher(VERTX, maxCount, maxBytes, lingerMs, (json, count) -> {
            sent.add(new String(json, StandardCharsets.UTF_8));
            counts.add(count);
        });
    }

    private static byte[] item(int i) {
        return ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFullBatchGoesOutAtOnceAndFlushSendsTheRest() throws Exception {
        OutcomeBatcher b = batcher(3, 1 << 20, 60_000);
        for (int i = 0; i < 7; i++) {
            b.add(item(i));
        }
        assertThat(sent).containsExactly("[{\"i\":0},{\"i\":1},{\"i\":2}]", "[{\"i\":3},{\"i\":4},{\"i\":5}]");
        b.flush();
        assertThat(sent).hasSize(3).last().isEqualTo("[{\"i\":6}]");
        assertThat(counts).containsExactly(3, 3, 1);
        b.flush();
        assertThat(sent).as("nothing left to flush").hasSize(3);
        for (String message : sent) {
            assertThat(JSON.readTree(message).isArray()).isTrue();
        }
    }

    @Test
    void theByteLimitSplitsBatchesBeforeTheyGrowPastIt() {
        // each item is 7 bytes plus a separator: two fit in 16 bytes, a third does not
        OutcomeBatcher b = batcher(100, 16, 60_000);
        for (int i = 0; i < 5; i++) {
            b.add(item(i));
        }
        b.flush();
        assertThat(counts).containsExactly(2, 2, 1);
        assertThat(String.join("", sent)).isEqualTo("[{\"i\":0},{\"i\":1}][{\"i\":2},{\"i\":3}][{\"i\":4}]");
    }

    @Test
    void anOutcomeLargerThanTheLimitStillGoesOutAlone() {
        OutcomeBatcher b = batcher(100, 4, 60_000);
        b.add(item(1));
        b.add(item(2));
        b.flush();
        assertThat(sent).containsExactly("[{\"i\":1}]", "[{\"i\":2}]");
    }

    @Test
    void aLoneOutcomeGoesOutAfterTheLinger() {
        OutcomeBatcher b = batcher(100, 1 << 20, 20);
        b.add(item(1));
        b.add(item(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> !sent.isEmpty());
        assertThat(sent).containsExactly("[{\"i\":1},{\"i\":2}]");
        b.add(item(3));
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 2);
        assertThat(sent.get(1)).isEqualTo("[{\"i\":3}]");
    }

    @Test
    void aMessageReadsAsABatchWhetherArrayOrSingleObject() throws Exception {
        ObjectMapper snake = new ObjectMapper().findAndRegisterModules()
                .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);
        String one = "{\"job_id\":\"0190a0b0-0000-7000-8000-000000000001\",\"index\":4,\"status\":\"succeeded\","
                + "\"status_code\":200,\"attempts\":1,\"started_at\":\"2026-01-01T00:00:00Z\",\"duration_ms\":5,"
                + "\"result\":{\"a\":1},\"error\":null}";
        OutcomeBatch single = snake.readValue(one, OutcomeBatch.class);
        assertThat(single.outcomes()).extracting(RecordOutcome::index).containsExactly(4);
        OutcomeBatch many = snake.readValue("[" + one + "," + one.replace("\"index\":4", "\"index\":5") + "]", OutcomeBatch.class);
        assertThat(many.outcomes()).extracting(RecordOutcome::index).containsExactly(4, 5);
        // the result stays the JSON text it was in the message
        assertThat(io.batchwire.upstream.RawJson.text(many.outcomes().get(1).result())).isEqualTo("{\"a\":1}");
    }
}
