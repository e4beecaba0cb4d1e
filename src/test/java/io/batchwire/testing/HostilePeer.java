package io.batchwire.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * A peer that answers as an attacker would, on an address of the test's choosing (so the service's outbound policy
 * can allow exactly it); the first path segment picks the behaviour:
 * <ul>
 *   <li>{@code /trickle/...}: 200 at once, then one byte every 100 ms, forever</li>
 *   <li>{@code /huge/...}: 200 with a 50 MB body, written as fast as the reader takes it</li>
 *   <li>{@code /bomb/...}: 200, {@code Content-Encoding: gzip}, about 200 KB that inflate to 200 MB of zeros</li>
 *   <li>anything else: 200 with a small JSON body</li>
 * </ul>
 * It counts requests per behaviour, the hostile answers still being sent, and whether a huge one was ever sent whole.
 */
public final class HostilePeer implements AutoCloseable {

    public static final long HUGE_BYTES = 50L * 1024 * 1024;
    public static final long BOMB_INFLATED_BYTES = 200L * 1024 * 1024;

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final String host;
    private final Buffer bomb;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final AtomicInteger unfinished = new AtomicInteger();
    private final AtomicInteger hugeFinished = new AtomicInteger();
    private final AtomicLong hugeWritten = new AtomicLong();

    public HostilePeer(String host) throws Exception {
        this.host = host;
        this.bomb = Buffer.buffer(gzippedZeros(BOMB_INFLATED_BYTES));
        this.server = vertx.createHttpServer().requestHandler(this::handle).listen(0, host).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static byte[] gzippedZeros(long inflated) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            byte[] zeros = new byte[1 << 20];
            for (long n = 0; n < inflated; n += zeros.length) {
                gz.write(zeros);
            }
        }
        return out.toByteArray();
    }

    public String url(String path) {
        return "http://" + host + ":" + server.actualPort() + path;
    }

    public int requests(String behaviour) {
        return requests.getOrDefault(behaviour, new AtomicInteger()).get();
    }

    /** Trickling and huge answers still being sent: their connection neither closed nor the answer ended. */
    public int unfinishedAnswers() {
        return unfinished.get();
    }

    /** How many 50 MB answers were read to their end. */
    public int hugeAnswersRead() {
        return hugeFinished.get();
    }

    public int bombBytes() {
        return bomb.length();
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        String behaviour = path.length() > 1 ? path.substring(1).split("/", 2)[0] : "";
        requests.computeIfAbsent(behaviour, b -> new AtomicInteger()).incrementAndGet();
        req.body().onComplete(ignored -> {
            HttpServerResponse resp = req.response();
            switch (behaviour) {
                case "trickle" -> {
                    Runnable over = unfinishedAnswer(resp);
                    resp.setChunked(true).putHeader("Content-Type", "application/json").write("{\"a\":\"");
                    long timer = vertx.setPeriodic(100, t -> {
                        if (!resp.closed()) {
                            resp.write("x");
                        }
                    });
                    resp.closeHandler(v -> {
                        vertx.cancelTimer(timer);
                        over.run();
                    });
                }
                case "huge" -> {
                    Runnable over = unfinishedAnswer(resp);
                    resp.closeHandler(v -> over.run());
                    resp.putHeader("Content-Type", "application/json").putHeader("Content-Length", String.valueOf(HUGE_BYTES));
                    writeHuge(resp, Buffer.buffer(new byte[64 * 1024]), 0);
                }
                case "bomb" -> resp.putHeader("Content-Type", "application/json").putHeader("Content-Encoding", "gzip").end(bomb);
                default -> resp.putHeader("Content-Type", "application/json").end("{\"ok\":true,\"path\":\"" + path + "\"}");
            }
        });
    }

    /** Counts an answer as unfinished until the returned action runs (once, on close or end). */
    private Runnable unfinishedAnswer(HttpServerResponse resp) {
        unfinished.incrementAndGet();
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable over = () -> {
            if (once.compareAndSet(false, true)) {
                unfinished.decrementAndGet();
            }
        };
        resp.endHandler(v -> over.run());
        return over;
    }

    private void writeHuge(HttpServerResponse resp, Buffer chunk, long written) {
        long sent = written;
        while (sent < HUGE_BYTES && !resp.writeQueueFull()) {
            if (resp.closed()) {
                return;
            }
            resp.write(chunk);
            sent += chunk.length();
            hugeWritten.addAndGet(chunk.length());
        }
        if (sent >= HUGE_BYTES) {
            resp.end().onSuccess(v -> hugeFinished.incrementAndGet());
            return;
        }
        long at = sent;
        resp.drainHandler(v -> writeHuge(resp, chunk, at));
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }
}
