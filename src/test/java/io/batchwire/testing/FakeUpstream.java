package io.batchwire.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small upstream on loopback whose behaviour each record chooses through its key (the {@code domain},
 * {@code email} or path):
 * <ul>
 *   <li>{@code slow-*}: answers after 3 s (longer than the test timeout)</li>
 *   <li>{@code delay-MS-*}: answers 200 after MS milliseconds</li>
 *   <li>{@code flaky-N-*}: 503 for the first N requests, then 200</li>
 *   <li>{@code limited-N-*}: 429 with {@code Retry-After: 1} for the first N requests, then 200</li>
 *   <li>{@code down-*}: always 503; {@code missing-*}: 404</li>
 *   <li>anything else: 200 with a JSON body naming the key, after {@link #latencyMs}</li>
 * </ul>
 * Two paths behave by load instead, as real upstreams under pressure do ({@code ?key=...} names the record):
 * <ul>
 *   <li>{@code /capped}: 429 with {@code Retry-After: 1}, at once, whenever more than {@link #CAPPED} requests would be
 *       in flight on it; otherwise 200 after 100 ms</li>
 *   <li>{@code /loaded}: 200 after 50 ms, plus 5 ms for every request in flight on it beyond 10</li>
 * </ul>
 * {@code POST /render} is a fake rendering upstream (a headless-browser service): it takes {@code {url, screenshot,
 * actions}}, waits the actions' {@code wait-for-timeout} times, and answers {@code {html, screenshot, status_code}};
 * the last path segment of the page's url chooses how ({@link #render}). It keeps every body it was sent.
 * It records every request per key and the most requests it ever had in flight per path.
 */
public final class FakeUpstream {

    private static volatile FakeUpstream instance;

    private final Vertx vertx = Vertx.vertx();
    private final Map<String, List<Long>> requestsByKey = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxInFlight = new ConcurrentHashMap<>();
    private volatile int latencyMs = 10;
    private HttpServer server;
    /** Every answer on the load-driven paths: when it was sent, its status, and how long it took. */
    private final Map<String, List<long[]>> answers = new ConcurrentHashMap<>();

    /** {@code /capped} refuses above this many requests in flight. */
    public static final int CAPPED = 20;

    public static FakeUpstream get() {
        return instance;
    }

    public static FakeUpstream start() throws Exception {
        FakeUpstream f = new FakeUpstream();
        f.server = f.vertx.createHttpServer().requestHandler(f::handle).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        instance = f;
        return f;
    }

    public void stop() {
        vertx.close();
    }

    public int port() {
        return server.actualPort();
    }

    public void latencyMs(int ms) {
        this.latencyMs = ms;
    }

    /** When each request for this key arrived (epoch ms), in order. */
    public List<Long> requests(String key) {
        return requestsByKey.getOrDefault(key, List.of());
    }

    public int maxInFlight(String path) {
        AtomicInteger m = maxInFlight.get(path);
        return m == null ? 0 : m.get();
    }

    /** Requests in flight on {@code path} now. */
    public int inFlight(String path) {
        AtomicInteger n = inFlight.get(path);
        return n == null ? 0 : n.get();
    }

    /** Forgets the most requests {@code path} ever had in flight. */
    public void resetMaxInFlight(String path) {
        maxInFlight.remove(path);
    }

    /**
     * The answers on a load-driven path: {epoch ms when sent, status, ms it took, ms it meant to take}. The last is
     * the latency this upstream chose by its load; what it took adds this JVM's own timer lateness on a busy machine.
     */
    public List<long[]> answers(String path) {
        return answers.getOrDefault(path, List.of());
    }

    /** The bodies the fake renderer was sent for pages whose url ends in {@code key}, in order. */
    public List<JsonObject> renders(String key) {
        return renders.getOrDefault(key, List.of());
    }

    /** What a screenshot of the page {@code key} is, as the fake renderer sends it (base64). */
    public static String screenshotOf(String key) {
        return java.util.Base64.getEncoder().encodeToString(("PNG " + key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The HTML the fake renderer makes of the page {@code key} after {@code actions} actions. */
    public static String htmlOf(String key, int actions) {
        return "<html><body><h1>Rendered " + key + "</h1><p>" + actions + " action(s)</p></body></html>";
    }

    private final Map<String, List<JsonObject>> renders = new ConcurrentHashMap<>();

    /**
     * The fake renderer, by the page's last path segment: {@code rfail-*} 500; {@code rflaky-N-*} 503 the first N
     * times; {@code rslow-*} answers after 3 s; {@code rhuge-*} a 200 KB page; {@code rbad-*} an answer that is not
     * JSON; {@code rnohtml-*} JSON without html; {@code r404-*} the page answered 404; {@code rcaptcha-*} a captcha
     * page; anything else the page ({@link #htmlOf}), with a screenshot ({@link #screenshotOf}) when asked.
     */
    private void render(HttpServerRequest req, io.vertx.core.buffer.Buffer body) {
        JsonObject asked = new JsonObject(body);
        String url = asked.getString("url", "");
        String key = url.substring(url.lastIndexOf('/') + 1);
        List<JsonObject> seen = renders.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
        seen.add(asked);
        int count = seen.size();
        io.vertx.core.json.JsonArray actions = asked.getJsonArray("actions", new io.vertx.core.json.JsonArray());
        long wait = 0;
        for (int i = 0; i < actions.size(); i++) {
            JsonObject a = actions.getJsonObject(i);
            if ("wait-for-timeout".equals(a.getString("type"))) {
                wait += a.getLong("time", 0L);
            }
        }
        int status = 200;
        String answer;
        JsonObject page = new JsonObject().put("html", htmlOf(key, actions.size()))
                .put("screenshot", asked.getBoolean("screenshot", false) ? screenshotOf(key) : null)
                .put("status_code", 200);
        if (key.startsWith("rfail-")) {
            status = 500;
            answer = "{\"error\":\"browser crashed\"}";
        } else if (key.startsWith("rflaky-") && count <= Integer.parseInt(key.split("-")[1])) {
            status = 503;
            answer = "{\"error\":\"no browser free\"}";
        } else if (key.startsWith("rslow-")) {
            wait = 3000;
            answer = page.encode();
        } else if (key.startsWith("rhuge-")) {
            answer = page.put("html", "<html><body>" + "x".repeat(200_000) + "</body></html>").encode();
        } else if (key.startsWith("rbad-")) {
            answer = "<html>not json</html>";
        } else if (key.startsWith("rnohtml-")) {
            answer = new JsonObject().put("content", "no html field").encode();
        } else if (key.startsWith("r404-")) {
            answer = page.put("status_code", 404).encode();
        } else if (key.startsWith("rcaptcha-")) {
            answer = page.put("html", "<html><body><div class=\"g-recaptcha\"></div></body></html>").encode();
        } else {
            answer = page.encode();
        }
        int code = status;
        vertx.setTimer(Math.max(1, wait), t -> {
            if (req.response().closed()) {
                return;
            }
            req.response().setStatusCode(code).putHeader("Content-Type", "application/json").end(answer)
                    .onFailure(ignored -> { /* client gave up (timeout) */ });
        });
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(body -> {
            String path = req.path();
            if (path.startsWith("/paged/")) {
                PagedRows.handle(req, body);
                return;
            }
            if (path.equals("/render")) {
                render(req, body);
                return;
            }
            String key = switch (path) {
                case "/companies" -> req.getParam("domain");
                case "/people" -> req.getParam("email");
                case "/emails/verify" -> new JsonObject(body).getString("email");
                case "/capped", "/loaded" -> req.getParam("key");
                default -> path.substring(path.lastIndexOf('/') + 1);
            };
            List<Long> seen = requestsByKey.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
            seen.add(System.currentTimeMillis());
            int count = seen.size();
            // in flight until answered or until the client gives up (a client time-out closes the connection)
            int now = inFlight.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            maxInFlight.computeIfAbsent(path, p -> new AtomicInteger()).accumulateAndGet(now, Math::max);
            AtomicBoolean settled = new AtomicBoolean();
            Runnable leave = () -> {
                if (settled.compareAndSet(false, true)) {
                    inFlight.get(path).decrementAndGet();
                }
            };
            req.response().closeHandler(v -> leave.run());

            int status = 200;
            long delay = latencyMs;
            String retryAfter = null;
            if (path.equals("/capped")) {
                if (now > CAPPED) {
                    status = 429;
                    retryAfter = "1";
                    delay = 0;
                } else {
                    delay = 100;
                }
            } else if (path.equals("/loaded")) {
                delay = 50 + 5L * Math.max(0, now - 10);
            } else if (key.startsWith("slow")) {
                delay = 3000;
            } else if (key.startsWith("delay-")) {
                delay = Integer.parseInt(key.split("-")[1]);
            } else if (key.startsWith("flaky-") && count <= Integer.parseInt(key.split("-")[1])) {
                status = 503;
            } else if (key.startsWith("limited-") && count <= Integer.parseInt(key.split("-")[1])) {
                status = 429;
                retryAfter = "1";
            } else if (key.startsWith("down")) {
                status = 503;
            } else if (key.startsWith("missing")) {
                status = 404;
            }
            JsonObject answer = new JsonObject().put("key", key).put("path", path).put("method", req.method().name())
                    .put("attempt", count);
            if (body.length() > 0) {
                answer.put("body", body.toString());
            }
            if (path.startsWith("/anything/")) {
                answer.put("host", req.getHeader("Host"));
            }
            // "nul-*": JSON with a NUL in a string, which jsonb refuses
            if (key.startsWith("nul-")) {
                answer.put("v", "a\u0000b");
            }
            String header = req.getHeader("X-Test");
            if (header != null) {
                answer.put("x_test", header);
            }
            int code = status;
            long scheduled = delay;
            String ra = retryAfter;
            long arrived = System.currentTimeMillis();
            vertx.setTimer(Math.max(1, delay), t -> {
                leave.run();
                if (path.equals("/capped") || path.equals("/loaded")) {
                    answers.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>())
                            .add(new long[]{System.currentTimeMillis(), code, System.currentTimeMillis() - arrived, scheduled});
                }
                if (settled.get() && req.response().closed()) {
                    return;
                }
                var resp = req.response().setStatusCode(code).putHeader("Content-Type", "application/json");
                if (ra != null) {
                    resp.putHeader("Retry-After", ra);
                }
                // "text-<n>": a body of n quote characters, not JSON: stored as a string, it doubles in size when escaped;
                // "ctrl-<n>": n control characters, six times their size when escaped (\u0001)
                String text = key.startsWith("text-") ? "\"".repeat(Integer.parseInt(key.split("-")[1]))
                        : key.startsWith("ctrl-") ? "\u0001".repeat(Integer.parseInt(key.split("-")[1])) : null;
                if (text != null) {
                    resp.putHeader("Content-Type", "text/plain");
                }
                // "challenge-*": Cloudflare's challenge (200 with cf-mitigated: challenge); "captcha-*": an HTML captcha
                // page; "page-*": an ordinary HTML page
                if (key.startsWith("challenge-")) {
                    resp.putHeader("cf-mitigated", "challenge").putHeader("Content-Type", "text/html");
                    text = "<html><body>Just a moment...</body></html>";
                } else if (key.startsWith("captcha-")) {
                    resp.putHeader("Content-Type", "text/html; charset=utf-8");
                    text = "<html><body><h1>Verify you are a human</h1><div class=\"g-recaptcha\"></div></body></html>";
                } else if (key.startsWith("page-")) {
                    resp.putHeader("Content-Type", "text/html; charset=utf-8");
                    text = "<html><body><h1>Example Domain</h1></body></html>";
                }
                String out = text != null ? text : code == 200 ? answer.encode() : "{\"error\":\"status " + code + "\"}";
                // "deep-<n>-*": JSON nested n levels deep
                if (key.startsWith("deep-")) {
                    int n = Integer.parseInt(key.split("-")[1]);
                    out = "{\"d\":".repeat(n - 1) + "{\"key\":\"" + key + "\"}" + "}".repeat(n - 1);
                }
                // "overlong-*": JSON whose "v" holds an "A" in an overlong (malformed) UTF-8 form, C1 81
                if (key.startsWith("overlong-")) {
                    resp.end(Buffer.buffer("{\"key\":\"" + key + "\",\"v\":\"").appendByte((byte) 0xC1)
                                    .appendByte((byte) 0x81).appendString("\"}"))
                            .onFailure(ignored -> { /* client gave up (timeout) */ });
                    return;
                }
                // "bom-*": the JSON after a UTF-8 byte-order mark
                resp.end(key.startsWith("bom-") ? "\uFEFF" + out : out)
                        .onFailure(ignored -> { /* client gave up (timeout) */ });
            });
        });
    }
}
