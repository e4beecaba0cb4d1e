package io.batchwire.outbound;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.impl.VertxInternal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An answer the reader stops early (as a page reader stops a hostile page) resets its own connection and never the one
 * a connection pool handed on to the next request: with a pool of one and the next request already waiting, the
 * waiting request still gets its answer, and the peer sees it once (vert.x issue 6294).
 */
class OutboundClientTest {

    static Vertx vertx;
    static HttpServer server;
    static final AtomicInteger slowServed = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        server = vertx.createHttpServer().requestHandler(req -> {
            if (req.path().equals("/slow")) {
                slowServed.incrementAndGet();
                vertx.setTimer(100, t -> req.response().end("slow"));
            } else {
                req.response().end("x".repeat(200));
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private static OutboundClient.Request get(String path) {
        return OutboundClient.Request.at(new OutboundClient.Origin("127.0.0.1", server.actualPort(), false), path,
                HttpMethod.GET, Map.of(), null);
    }

    /** A reader that has seen enough at the first chunk. */
    private static OutboundClient.BodyReader<String> enough() {
        return new OutboundClient.BodyReader<>() {
            @Override
            public boolean chunk(Buffer chunk) {
                return false;
            }

            @Override
            public String end() {
                return "stopped";
            }
        };
    }

    /** {@code call} subscribed on {@code on}, its outcome (or failure) as a future. */
    private static <T> CompletableFuture<T> on(Context on, Supplier<Uni<T>> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        on.runOnContext(v -> call.get().subscribe().with(f::complete, f::completeExceptionally));
        return f;
    }

    @ParameterizedTest(name = "stopped on one loop, waiting on the {0} loop")
    @ValueSource(strings = {"other", "same"})
    void aReaderThatHasSeenEnoughNeverClosesTheConnectionOfTheNextRequest(String which) throws Exception {
        VertxInternal internal = (VertxInternal) vertx;
        Context first = internal.createEventLoopContext();
        Context second = which.equals("same") ? first : internal.createEventLoopContext();
        if (which.equals("other")) {
            assertThat(loopOf(second)).as("two loops").isNotEqualTo(loopOf(first));
        }
        OutboundClient client = new OutboundClient(vertx, OutboundClient.options(1, Duration.ofSeconds(5)));
        try {
            // the pool's one connection is made on the second loop
            assertThat(on(second, () -> client.send(get("/warm"), 10_000, Duration.ofSeconds(5)))
                    .get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            int before = slowServed.get();
            for (int i = 0; i < 20; i++) {
                CompletableFuture<OutboundClient.Answer<String>> stopped = on(first,
                        () -> client.receive(get("/small"), 10_000, Duration.ofSeconds(5), (s, h) -> enough()));
                CompletableFuture<OutboundClient.Response> next = on(second,
                        () -> client.send(get("/slow"), 10_000, Duration.ofSeconds(5)));
                assertThat(stopped.get(10, TimeUnit.SECONDS).body()).isEqualTo("stopped");
                OutboundClient.Response r = next.get(10, TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body().toString()).isEqualTo("slow");
            }
            assertThat(slowServed.get() - before).as("each waiting request reached the peer once").isEqualTo(20);
        } finally {
            client.close();
        }
    }

    private static String loopOf(Context context) throws Exception {
        CompletableFuture<String> name = new CompletableFuture<>();
        context.runOnContext(v -> name.complete(Thread.currentThread().getName()));
        return name.get(10, TimeUnit.SECONDS);
    }
}
