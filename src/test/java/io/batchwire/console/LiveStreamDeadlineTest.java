package io.batchwire.console;

import io.batchwire.testing.ShortBodyDeadlineProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request body deadline (1 s here) bounds bodies, not answers: a request without a body, whose answer streams for
 * 3 s (the console's live stream, {@code live-max-duration} here), is answered to its end, on HTTP/1.1 and on HTTP/2.
 * A stream cut by the deadline would end early with a closed connection (HTTP/1.1) or a reset stream (HTTP/2), which
 * fails the read.
 */
@QuarkusTest
@TestProfile(ShortBodyDeadlineProfile.class)
class LiveStreamDeadlineTest {

    private static final long STREAM_MS = 3_000;

    @Test
    void aLiveStreamOutlivesTheBodyDeadlineOnHttp1() {
        ConsoleClient admin = ConsoleClient.admin();
        long started = System.nanoTime();
        Response r = given().cookie(ConsoleCookies.SESSION, admin.session).accept("text/event-stream")
                .get("/console/live?upstreams=true");
        String stream = r.asString(); // to its end: the stream's own, after live-max-duration
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(tookMs).as("the stream ends when live-max-duration does, not before").isGreaterThanOrEqualTo(STREAM_MS);
        assertThat(stream).startsWith("data:").contains("\"upstreams\"");
    }

    @Test
    void aLiveStreamOutlivesTheBodyDeadlineOnHttp2() throws Exception {
        ConsoleClient admin = ConsoleClient.admin();
        Vertx vertx = Vertx.vertx();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(RestAssured.port));
        try {
            long started = System.nanoTime();
            Map.Entry<Integer, Buffer> answer = client.request(new RequestOptions().setMethod(HttpMethod.GET)
                            .setURI("/console/live?upstreams=true").putHeader("Accept", "text/event-stream")
                            .putHeader("Cookie", ConsoleCookies.SESSION + "=" + admin.session))
                    .compose(req -> {
                        assertThat(req.version()).isEqualTo(HttpVersion.HTTP_2);
                        return req.send();
                    })
                    .compose(res -> res.body().map(b -> Map.entry(res.statusCode(), b)))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(answer.getKey()).isEqualTo(200);
            assertThat(tookMs).as("the stream ends when live-max-duration does, not before").isGreaterThanOrEqualTo(STREAM_MS);
            assertThat(answer.getValue().toString()).startsWith("data:").contains("\"upstreams\"");
        } finally {
            client.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }
}
