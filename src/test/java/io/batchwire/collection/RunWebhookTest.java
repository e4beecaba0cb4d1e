package io.batchwire.collection;

import io.batchwire.testing.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.batchwire.collection.CollectionsApi.get;
import static io.batchwire.collection.CollectionsApi.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** A collection's webhook_url is every run's: each run that ends sends its webhook, naming the collection. */
@QuarkusTest
class RunWebhookTest {

    static Receiver receiver;

    @BeforeAll
    static void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    @Test
    void everyRunSendsTheCollectionsWebhookWithTheCollectionId() {
        CollectionsApi c = CollectionsApi.newTenant();
        String hook = "/hooks/" + UUID.randomUUID() + "/ok";
        String cid = c.api().req().body(Map.of("name", "hooked", "webhook_url", receiver.url(hook),
                        "requests", List.of(get("a", key("ok-")), get("b", key("missing-")))))
                .post("/v1/collections").then().statusCode(201).body("webhook_url", equalTo(receiver.url(hook)))
                .extract().path("id");
        String first = c.start(cid);
        c.awaitEnd(cid, first, CollectionsApi.RUN_TIME);
        String second = c.rerun(cid, first);
        c.awaitEnd(cid, second, CollectionsApi.RUN_TIME);

        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests(hook).size() == 2);
        List<JsonPath> bodies = receiver.requests(hook).stream().map(r -> JsonPath.from(r.text())).toList();
        assertThat(bodies).extracting(b -> b.getString("type")).containsOnly("job.completed");
        assertThat(bodies).extracting(b -> b.getString("data.id")).containsExactlyInAnyOrder(first, second);
        assertThat(bodies).extracting(b -> b.getString("data.collection_id")).containsOnly(cid);
        assertThat(receiver.requests(hook)).extracting(r -> r.headers().get("webhook-id"))
                .containsExactlyInAnyOrder("evt_" + first, "evt_" + second);
    }
}
