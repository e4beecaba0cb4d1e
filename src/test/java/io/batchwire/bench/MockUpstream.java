package io.batchwire.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.function.LongSupplier;

/**
 * The upstream on loopback: {@code GET /companies?domain=...} answers a small JSON body after the configured latency,
 * or 503 with the configured probability; {@code GET /ping} answers at once (for the mock's own capacity).
 * {@link #drive} is the bare Vert.x Web Client load that gives the limit and that capacity.
 */
final class MockUpstream implements AutoCloseable {

    private static final Buffer PONG = Buffer.buffer("{\"pong\":true}");
    private static final Buffer UNAVAILABLE = Buffer.buffer("{\"error\":\"unavailable\"}");

    private final Vertx vertx = Vertx.vertx();
    private final LongSupplier latency;
    private final double errorRate;
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder busyNanos = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Requests per {@code domain}, when counting (scale mode: a record answered twice is a duplicate call). */
    private final Map<String, AtomicInteger> perDomain = new ConcurrentHashMap<>();
    private volatile boolean counting;
    private HttpServer server;

    /** Above this many requests in flight, answer 429 with {@code Retry-After: 1} at once (0: never). */
    private final int rejectAbove;
    private final LongAdder rejected = new LongAdder();

    private MockUpstream(String latency, double errorRate, int rejectAbove) {
        this.latency = latency(latency);
        this.errorRate = errorRate;
        this.rejectAbove = rejectAbove;
    }

    static MockUpstream start(String latency, double errorRate) throws Exception {
        return start(latency, errorRate, 0);
    }

    static MockUpstream start(String latency, double errorRate, int rejectAbove) throws Exception {
        MockUpstream mock = new MockUpstream(latency, errorRate, rejectAbove);
        try {
            mock.server = mock.vertx.createHttpServer().requestHandler(mock::handle).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            mock.close();
            throw e;
        }
        return mock;
    }

    int port() {
        return server.actualPort();
    }

    /** Requests to {@code /companies} so far (503s included). */
    long requests() {
        return requests.sum();
    }

    long errors() {
        return errors.sum();
    }

    /** 429s answered because more than {@code reject-above} requests were in flight. */
    long rejected() {
        return rejected.sum();
    }

    /** From now on, counts the requests for each {@code domain}. */
    void countPerDomain() {
        counting = true;
    }

    /** Of the domains that match: how many were asked for once, twice, ... */
    Map<Integer, Integer> timesAsked(Predicate<String> which) {
        Map<Integer, Integer> out = new TreeMap<>();
        perDomain.forEach((domain, n) -> {
            if (which.test(domain)) {
                out.merge(n.get(), 1, Integer::sum);
            }
        });
        return out;
    }

    /** Requests to {@code /companies} being served now. */
    int inFlight() {
        return inFlight.get();
    }

    /** Sum over answered {@code /companies} requests of the time each was in the mock: / wall time = mean concurrency. */
    long busyNanos() {
        return busyNanos.sum();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void handle(HttpServerRequest req) {
        if (req.path().equals("/ping")) {
            req.response().putHeader("Content-Type", "application/json").end(PONG);
            return;
        }
        requests.increment();
        if (rejectAbove > 0 && inFlight.get() >= rejectAbove) {
            rejected.increment();
            req.response().setStatusCode(429).putHeader("Retry-After", "1").putHeader("Content-Type", "application/json")
                    .end(UNAVAILABLE);
            return;
        }
        inFlight.incrementAndGet();
        long arrived = System.nanoTime();
        boolean fail = errorRate > 0 && ThreadLocalRandom.current().nextDouble() < errorRate;
        String domain = req.getParam("domain");
        if (counting && domain != null) {
            perDomain.computeIfAbsent(domain, d -> new AtomicInteger()).incrementAndGet();
        }
        Runnable answer = () -> {
            inFlight.decrementAndGet();
            busyNanos.add(System.nanoTime() - arrived);
            if (fail) {
                errors.increment();
                req.response().setStatusCode(503).putHeader("Content-Type", "application/json").end(UNAVAILABLE);
            } else {
                req.response().putHeader("Content-Type", "application/json")
                        .end("{\"domain\":\"" + domain + "\",\"name\":\"Company " + domain + "\",\"employees\":42}");
            }
        };
        long ms = latency.getAsLong();
        if (ms <= 0) {
            answer.run();
        } else {
            vertx.setTimer(ms, id -> answer.run());
        }
    }

    /** {@code 100} (fixed ms), {@code uniform:50-150}, {@code exp:100} (exponential with that mean, ms). */
    static LongSupplier latency(String spec) {
        String s = spec.trim();
        try {
            if (s.startsWith("uniform:")) {
                String[] range = s.substring("uniform:".length()).split("-");
                long lo = Long.parseLong(range[0].trim()), hi = Long.parseLong(range[1].trim());
                if (lo < 0 || hi < lo) {
                    throw new IllegalArgumentException();
                }
                return () -> ThreadLocalRandom.current().nextLong(lo, hi + 1);
            }
            if (s.startsWith("exp:")) {
                double mean = Double.parseDouble(s.substring("exp:".length()));
                if (mean < 0) {
                    throw new IllegalArgumentException();
                }
                return () -> Math.round(-mean * Math.log(1 - ThreadLocalRandom.current().nextDouble()));
            }
            long fixed = Long.parseLong(s);
            if (fixed < 0) {
                throw new IllegalArgumentException();
            }
            return () -> fixed;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bench.latency must be MS, uniform:MIN-MAX or exp:MEAN (ms), was '" + spec + "'");
        }
    }

    static double meanLatencyMs(String spec) {
        String s = spec.trim();
        if (s.startsWith("uniform:")) {
            String[] range = s.substring("uniform:".length()).split("-");
            return (Double.parseDouble(range[0]) + Double.parseDouble(range[1])) / 2;
        }
        return Double.parseDouble(s.startsWith("exp:") ? s.substring("exp:".length()) : s);
    }

    /** The outcome of one {@link #drive}: answered requests (any status), those not 2xx or failed, and the time. */
    record Drive(long requests, long failures, int concurrency, double seconds) {
        double perSecond() {
            return requests / seconds;
        }
    }

    /**
     * Sends GETs to {@code 127.0.0.1:port} from a bare Vert.x Web Client with a pool of {@code concurrency}
     * connections, always {@code concurrency} in flight, until {@code count} requests were answered or
     * {@code max} has passed. Request {@code i} goes to {@code path.apply(i)}.
     */
    static Drive drive(int port, LongFunction<String> path, int concurrency, long count, Duration max) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
                    .setDefaultPort(port).setMaxPoolSize(concurrency).setKeepAlive(true));
            AtomicLong issued = new AtomicLong();
            AtomicLong answered = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            AtomicInteger workers = new AtomicInteger(concurrency);
            CompletableFuture<Long> finished = new CompletableFuture<>();
            long t0 = System.nanoTime();
            long deadline = t0 + max.toNanos();
            Runnable next = new Runnable() {
                @Override
                public void run() {
                    long i = issued.getAndIncrement();
                    if (i >= count || System.nanoTime() > deadline) {
                        if (workers.decrementAndGet() == 0) {
                            finished.complete(System.nanoTime());
                        }
                        return;
                    }
                    client.get(path.apply(i)).send().onComplete(ar -> {
                        answered.incrementAndGet();
                        if (ar.failed() || ar.result().statusCode() >= 300) {
                            failures.incrementAndGet();
                        }
                        run();
                    });
                }
            };
            for (int k = 0; k < concurrency; k++) {
                vertx.runOnContext(v -> next.run());
            }
            long t1 = finished.get(max.toMillis() + 60_000, TimeUnit.MILLISECONDS);
            return new Drive(answered.get(), failures.get(), concurrency, (t1 - t0) / 1e9);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
