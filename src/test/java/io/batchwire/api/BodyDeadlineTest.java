package io.batchwire.api;

import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.batchwire.testing.ShortBodyDeadlineProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request's body must arrive within {@code batchwire.http.body-timeout} of its headers (1 s here). Each trickling
 * client below stops sending part-way and never goes on, so what is asserted does not depend on how fast this
 * machine is: without the deadline the socket read times out after 20 s and the test fails. Requests without a body
 * are not bounded by it however long their answers stream: {@code io.batchwire.console.LiveStreamDeadlineTest}.
 */
@QuarkusTest
@TestProfile(ShortBodyDeadlineProfile.class)
class BodyDeadlineTest {

    private static final String JOB = "{\"type\":\"company\",\"records\":[{\"domain\":\"late.com\"}]}";

    @Test
    void aBodyStillArrivingPastTheDeadlineIsA408ProblemAndItsConnectionIsClosed() throws Exception {
        Api api = Api.newTenant();
        try (Socket s = socket()) {
            send(s, head(api, "Content-Length: " + JOB.length()), JOB.substring(0, JOB.length() / 2));
            Answer a = Answer.read(s.getInputStream()); // to the end: the service closes the connection
            assertThat(a.status).isEqualTo(408);
            assertThat(a.headers).containsIgnoringCase("content-type: application/problem+json").containsIgnoringCase("connection: close");
            JsonPath problem = JsonPath.from(a.body);
            assertThat(problem.getString("type")).isEqualTo("https://batchwire.dev/problems/body-timeout");
            assertThat(problem.getInt("status")).isEqualTo(408);
            assertThat(problem.getLong("extensions.timeout_ms")).isEqualTo(1000L);
            assertThat(problem.getString("detail")).contains("had sent " + (JOB.length() / 2) + " bytes");
        }
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isZero();
    }

    @Test
    void aChunkedBodyThatStopsIsA408Too() throws Exception {
        Api api = Api.newTenant();
        try (Socket s = socket()) {
            String part = JOB.substring(0, 20);
            send(s, head(api, "Transfer-Encoding: chunked"), Integer.toHexString(part.length()) + "\r\n" + part + "\r\n");
            Answer a = Answer.read(s.getInputStream());
            assertThat(a.status).isEqualTo(408);
            assertThat(JsonPath.from(a.body).getString("type")).isEqualTo("https://batchwire.dev/problems/body-timeout");
        }
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isZero();
    }

    @Test
    void aWholeBodyIsNotCutAndItsKeptAliveConnectionOutlivesItsDeadline() throws Exception {
        Api api = Api.newTenant();
        try (Socket s = socket()) {
            send(s, head(api, "Content-Length: " + JOB.length()), JOB);
            Answer first = Answer.readOne(s.getInputStream());
            assertThat(first.status).as(first.body).isEqualTo(202);

            // a second request on the connection stalls: its own 408 comes a deadline after it started, so after the
            // first request's deadline, which must have left the connection alone for the answer to be read at all
            send(s, head(api, "Content-Length: " + JOB.length()), JOB.substring(0, 7));
            Answer second = Answer.read(s.getInputStream());
            assertThat(second.status).as(second.body).isEqualTo(408);
            assertThat(JsonPath.from(second.body).getString("detail")).contains("had sent 7 bytes");
        }
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isEqualTo(1);
    }

    @Test
    void aBodyStillArrivingAfterItsRequestWasAnsweredHasItsConnectionClosedAtTheDeadline() throws Exception {
        try (Socket s = socket()) {
            // no API key: the request is answered 401 at once, without its body, which the client then trickles
            send(s, "POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 4000000\r\n\r\n{\"type\"");
            Answer answered = Answer.readOne(s.getInputStream());
            assertThat(answered.status).isEqualTo(401);
            send(s, ":");
            int next;
            try {
                next = s.getInputStream().read();
            } catch (java.net.SocketTimeoutException stillOpen) {
                throw new AssertionError("the connection is still open 20 s after the deadline", stillOpen);
            } catch (java.net.SocketException reset) {
                next = -1; // closed by a reset rather than a FIN: closed all the same
            }
            assertThat(next).as("the service closes the connection at the deadline").isEqualTo(-1);
        }
    }

    @Test
    void aChunkedBodyThatAsksToBeToldToGoOnIsToldAndRead() throws Exception {
        Api api = Api.newTenant();
        try (Socket s = socket()) {
            send(s, head(api, "Transfer-Encoding: chunked\r\nExpect: 100-continue"));
            // the client sends nothing until it has the go-ahead: without it, this request could only end in a 408
            String go = Answer.readHead(s.getInputStream());
            assertThat(go).startsWith("HTTP/1.1 100");
            send(s, Integer.toHexString(JOB.length()) + "\r\n" + JOB + "\r\n0\r\n\r\n");
            Answer a = Answer.readOne(s.getInputStream());
            assertThat(a.status).as(a.body).isEqualTo(202);
        }
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isEqualTo(1);
    }

    @Test
    void onHttp2OnlyTheLateStreamIsEndedAndTheConnectionGoesOn() throws Exception {
        Api api = Api.newTenant();
        Vertx vertx = Vertx.vertx();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(RestAssured.port)
                .setHttp2MaxPoolSize(1).setHttp2MultiplexingLimit(10));
        try {
            RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/jobs")
                    .putHeader("Content-Type", "application/json").putHeader("X-API-Key", api.tenant().apiKey());
            HttpClientRequest late = client.request(post).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(late.version()).isEqualTo(HttpVersion.HTTP_2);
            late.exceptionHandler(t -> { /* the reset that follows the answer: the request is done with */ });
            // status and body are taken on the event loop as they come (the stream is reset right after them), set up
            // before the headers go out, so before the deadline can pass
            io.vertx.core.Future<Map.Entry<Integer, Buffer>> answered =
                    late.response().compose(r -> r.body().map(b -> Map.entry(r.statusCode(), b)));
            late.setChunked(true);
            late.write(JOB.substring(0, 20)); // and never the rest
            Map.Entry<Integer, Buffer> answer = answered.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(answer.getKey()).isEqualTo(408);
            Buffer body = answer.getValue();
            assertThat(JsonPath.from(body.toString()).getString("type")).isEqualTo("https://batchwire.dev/problems/body-timeout");

            // the same connection carries the next request
            HttpClientRequest next = client.request(post).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(next.connection()).isSameAs(late.connection());
            Map.Entry<Integer, Buffer> ok = next.send(JOB).compose(r -> r.body().map(b -> Map.entry(r.statusCode(), b)))
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(ok.getKey()).as(ok.getValue().toString()).isEqualTo(202);
        } finally {
            client.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
        assertThat(Db.count("SELECT count(*) FROM jobs WHERE tenant_id = ?", api.tenant().id())).isEqualTo(1);
    }

    private static Socket socket() throws IOException {
        Socket s = new Socket("127.0.0.1", RestAssured.port);
        s.setSoTimeout(20_000);
        return s;
    }

    private static String head(Api api, String framing) {
        return "POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-API-Key: "
                + api.tenant().apiKey() + "\r\n" + framing + "\r\n\r\n";
    }

    /** Writes each part (ASCII) and flushes. */
    private static void send(Socket s, String... parts) throws IOException {
        for (String part : parts) {
            s.getOutputStream().write(part.getBytes(StandardCharsets.US_ASCII));
        }
        s.getOutputStream().flush();
    }

    /** One HTTP/1.1 answer read off a socket: status line and headers, and a body framed by Content-Length. */
    record Answer(int status, String headers, String body) {

        /** Reads to the end of the stream, which must come: the connection is closed after the answer. */
        static Answer read(InputStream in) throws IOException {
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = all.indexOf("\r\n\r\n");
            assertThat(split).as(all).isPositive();
            return new Answer(Integer.parseInt(all.substring(9, 12)), all.substring(0, split), all.substring(split + 4));
        }

        /** Reads one answer and leaves the connection open. */
        static Answer readOne(InputStream in) throws IOException {
            String headers = readHead(in);
            int length = headers.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                    .mapToInt(l -> Integer.parseInt(l.substring(15).trim())).findFirst().orElseThrow();
            return new Answer(Integer.parseInt(headers.substring(9, 12)), headers.trim(),
                    new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }

        /** Reads a status line and headers, up to the empty line. */
        static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                assertThat(b).as("the answer's headers end before the connection does").isNotNegative();
                head.write(b);
            }
            return head.toString(StandardCharsets.US_ASCII);
        }
    }
}
