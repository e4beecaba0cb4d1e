package io.batchwire.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver and presigned-URL stand-in on loopback. The path chooses the answer: {@code .../ok} 200,
 * {@code .../fail-N-*} 500 for the first N requests then 200, {@code .../gone} 410, {@code .../down} always 500.
 * Every request is kept (method, headers, body).
 */
public final class Receiver implements AutoCloseable {

    public record Request(String method, String path, MultiMap headers, byte[] body) {
        public String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final Map<String, List<Request>> byPath = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    public Receiver() throws Exception {
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            String path = req.path();
            byPath.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>())
                    .add(new Request(req.method().name(), path, MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
                            body.getBytes()));
            int n = counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            String last = path.substring(path.lastIndexOf('/') + 1);
            int status = 200;
            if (last.startsWith("fail-") && n <= Integer.parseInt(last.split("-")[1])) {
                status = 500;
            } else if (last.equals("gone")) {
                status = 410;
            } else if (last.startsWith("down")) {
                status = 500;
            }
            req.response().setStatusCode(status).end();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    public List<Request> requests(String path) {
        return byPath.getOrDefault(path, List.of());
    }

    @Override
    public void close() {
        vertx.close();
    }
}
