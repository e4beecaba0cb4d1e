package io.batchwire.delivery;

import io.batchwire.testing.Api;
import io.batchwire.testing.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class ResultPushTest {

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
    void theResultFileIsPutToResultUrlInTheJobsFormat() {
        Api api = Api.newTenant();
        String object = "/bucket/" + UUID.randomUUID() + "/ok";
        String id = api.req().body(Map.of("type", "company", "format", "csv", "result_url", bucket.url(object),
                        "records", Api.records(20, i -> Map.of("custom_id", "r" + i, "domain", "ok-push-" + i + ".com"))))
                .post("/v1/jobs").then().statusCode(202).body("format", equalTo("csv"))
                .body("result_push.state", equalTo("waiting")).extract().path("id");
        api.awaitFinal(id, Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(20)).until(() -> bucket.requests(object).size() == 1);

        Receiver.Request put = bucket.requests(object).getFirst();
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.headers().get("Content-Type")).startsWith("text/csv");
        assertThat(put.headers().get("Content-Length")).isEqualTo(String.valueOf(put.body().length));
        List<String> lines = put.text().lines().toList();
        assertThat(lines).hasSize(21);
        assertThat(lines.getFirst()).startsWith("index,custom_id,status");
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("r7").contains("succeeded"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                api.req().get("/v1/jobs/" + id).then().body("result_push.state", equalTo("delivered"))
                        .body("result_push.attempts", equalTo(1)));
    }

    @Test
    void aFailingPushIsRetried() {
        Api api = Api.newTenant();
        String object = "/bucket/" + UUID.randomUUID() + "/fail-1";
        String id = api.req().body(Map.of("type", "company", "result_url", bucket.url(object),
                        "records", List.of(Map.of("domain", "ok-push-retry.com"))))
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(40)).until(() -> bucket.requests(object).size() == 2);
        assertThat(bucket.requests(object).get(1).text()).isEqualTo(bucket.requests(object).get(0).text());
        assertThat(bucket.requests(object).get(1).text()).contains("\"status\":\"succeeded\"");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                api.req().get("/v1/jobs/" + id).then().body("result_push.state", equalTo("delivered"))
                        .body("result_push.attempts", equalTo(2)).body("result_push.last_status_code", equalTo(200)));
    }
}
