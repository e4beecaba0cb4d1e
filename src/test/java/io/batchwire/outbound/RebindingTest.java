package io.batchwire.outbound;

import io.batchwire.testing.Api;
import io.batchwire.testing.FakeUpstream;
import io.batchwire.testing.ScriptedResolver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Names that resolve where they must not, through the real pipeline, with the tests' {@link ScriptedResolver} in place of
 * the JVM's (no real DNS): an {@code http} record's host is resolved once, every address it has is checked, and the
 * call goes to the address that was checked, whatever the name answers next.
 */
@QuarkusTest
class RebindingTest {

    @Inject
    ScriptedResolver resolver;

    private static String host(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8) + ".rebind.test";
    }

    @Test
    void theCallGoesToTheAddressThatWasCheckedNotToWhatTheNameAnswersNext() {
        Api api = Api.newTenant();
        int port = FakeUpstream.get().port();
        String name = host("flip");
        // first a loopback address (allowed in the test profile), then the metadata address for every later lookup
        resolver.script(name, List.of("127.0.0.1"), List.of("169.254.169.254"));
        String url = "http://" + name + ":" + port + "/anything/flip-" + UUID.randomUUID();
        String first = api.submit("http", List.of(Map.of("url", url)));
        JsonPath done = api.awaitFinal(first, Duration.ofSeconds(30));
        assertThat(done.getInt("counts.succeeded")).isEqualTo(1);
        // the name cannot resolve outside this resolver: reaching the fake upstream means the checked address was used;
        // and the request still names its host
        api.req().get("/v1/jobs/" + first + "/results/0").then().statusCode(200)
                .body("result.host", org.hamcrest.Matchers.equalTo(name + ":" + port));
        assertThat(resolver.lookups(name)).as("lookups for one call").isEqualTo(1);

        // the name now answers the metadata address: refused, not retried
        String second = api.submit("http", List.of(Map.of("url", url)));
        JsonPath refused = api.awaitFinal(second, Duration.ofSeconds(30));
        assertThat(refused.getInt("counts.failed")).isEqualTo(1);
        api.req().get("/v1/jobs/" + second + "/results/0").then().statusCode(200)
                .body("error.code", org.hamcrest.Matchers.equalTo("refused_by_policy"))
                .body("attempts", org.hamcrest.Matchers.equalTo(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"169.254.169.254", "fd00:ec2::254", "::ffff:169.254.169.254", "::169.254.169.254",
            "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1", "2001:0:4136:e378:8000:63bf:5601:5601", "10.0.0.1", "192.168.1.1",
            "172.16.0.1", "100.64.0.1", "169.254.1.1", "fd12:3456::1", "fe80::1", "0.0.0.0", "::"})
    void aNameThatResolvesInsideIsRefused(String inside) {
        Api api = Api.newTenant();
        String name = host("inside");
        resolver.script(name, List.of(inside));
        String job = api.submit("http", List.of(Map.of("url", "http://" + name + "/anything/x")));
        assertThat(api.awaitFinal(job, Duration.ofSeconds(30)).getInt("counts.failed")).as(inside).isEqualTo(1);
        api.req().get("/v1/jobs/" + job + "/results/0").then().statusCode(200)
                .body("error.code", org.hamcrest.Matchers.equalTo("refused_by_policy"));
    }

    @Test
    void oneInsideAddressAmongPublicOnesIsEnoughToRefuse() {
        Api api = Api.newTenant();
        String name = host("mixed");
        resolver.script(name, List.of("127.0.0.1", "169.254.169.254"));
        String job = api.submit("http", List.of(Map.of("url", "http://" + name + "/anything/x")));
        assertThat(api.awaitFinal(job, Duration.ofSeconds(30)).getInt("counts.failed")).isEqualTo(1);
        api.req().get("/v1/jobs/" + job + "/results/0").then().body("error.code", org.hamcrest.Matchers.equalTo("refused_by_policy"));
    }

    @Test
    void aWebhookWhoseNameResolvesInsideIsRefusedAndLoggedNotRetried() {
        Api api = Api.newTenant();
        String name = host("hook");
        resolver.script(name, List.of("169.254.169.254"));
        String job = api.req().body(Map.of("type", "company", "records", List.of(Map.of("domain", "ok-rebind.com")),
                        "webhook_url", "http://" + name + "/hook"))
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        api.awaitFinal(job, Duration.ofSeconds(30));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonPath d = api.req().get("/v1/jobs/" + job + "/deliveries").then().statusCode(200).extract().jsonPath();
            assertThat(d.getString("items.find { it.kind == 'webhook' }.state")).isEqualTo("failed");
            assertThat(d.getInt("items.find { it.kind == 'webhook' }.attempts")).isEqualTo(1);
            assertThat(d.getString("items.find { it.kind == 'webhook' }.last_error")).contains("refused by the outbound policy");
        });
    }
}
