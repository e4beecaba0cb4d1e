package io.batchwire.upstream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.TextNode;
import io.batchwire.upstream.CallResult.Kind;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.IntPredicate;

/**
 * Sends one record to its upstream: under the upstream's concurrency and rate limits, with a timeout per
 * attempt and retries (backoff with jitter, or the upstream's {@code Retry-After}) on 429, 5xx, time-outs and
 * connection errors. The permit is given back while a record waits to retry. Never fails: every end is an outcome.
 */
@ApplicationScoped
public class UpstreamCaller {

    private static final int ERROR_BODY_CHARS = 500;

    /** A body is JSON only if all of it is: {@code "" and more} is text, not the empty string. */
    private final ObjectReader bodyReader;
    private final MeterRegistry metrics;
    private final java.util.Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    public UpstreamCaller(ObjectMapper json, MeterRegistry metrics) {
        this.bodyReader = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.metrics = metrics;
    }

    /**
     * Sends one record's input; how it ended, or null when {@code stopBefore} said before some attempt (given its
     * number, from 1) that no more should be made: the record's job has ended, or (before the first) the caller gave
     * the record up. Asked once the attempt holds its concurrency permit, right before sending.
     */
    public Uni<CallResult> call(Upstream upstream, JsonNode input, Who who, IntPredicate stopBefore) {
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        return attempt(upstream, input, who, 1, stopBefore).onItem().ifNotNull().transform(a -> {
            long durationMs = (System.nanoTime() - t0) / 1_000_000;
            timer(upstream.type(), a.kind).record(durationMs, java.util.concurrent.TimeUnit.MILLISECONDS);
            return new CallResult(a.kind, a.statusCode, a.attempt, startedAt, durationMs, a.result, a.errorCode,
                    a.errorMessage);
        });
    }

    /** The per-upstream, per-outcome timer, looked up once (this is on every record's path). */
    private Timer timer(String upstream, Kind kind) {
        return timers.computeIfAbsent(upstream + "/" + kind.wire(), k -> Timer.builder("batchwire.upstream.record.duration")
                .tag("upstream", upstream).tag("status", kind.wire()).register(metrics));
    }

    /** Whose call it is: the tenant's weight shares the upstream among the tenants waiting for it. */
    public record Who(UUID tenant, double weight) {
    }

    private Uni<Attempt> attempt(Upstream upstream, JsonNode input, Who who, int n, IntPredicate stopBefore) {
        UpstreamConfig.Upstream cfg = upstream.config();
        return upstream.limits()
                .run(who.tenant(), who.weight(), () -> stopBefore.test(n), () -> send(upstream, input, n))
                .onItem().ifNotNull().transformToUni(a -> {
                    if (!a.retryable || n >= cfg.maxAttempts()) {
                        return Uni.createFrom().item(a);
                    }
                    Duration wait = a.retryAfter != null ? min(a.retryAfter, cfg.maxRetryAfter()) : backoff(cfg, n);
                    return Uni.createFrom().voidItem().onItem().delayIt().by(wait)
                            .chain(() -> attempt(upstream, input, who, n + 1, stopBefore));
                });
    }

    private Uni<Attempt> send(Upstream upstream, JsonNode input, int n) {
        UpstreamConfig.Upstream cfg = upstream.config();
        Upstream.Prepared prepared;
        try {
            prepared = upstream.prepare(input);
        } catch (RuntimeException e) {
            return Uni.createFrom().item(Attempt.failed(n, null, false, null, "invalid_request",
                    "the record could not be turned into a request: " + e.getMessage()));
        }
        long timeoutMs = cfg.timeout().toMillis();
        prepared.request().timeout(timeoutMs);
        Uni<HttpResponse<Buffer>> response = prepared.body() == null
                ? prepared.request().send()
                : prepared.request().sendBuffer(prepared.body());
        long t0 = System.nanoTime();
        return response
                // backstop in case the idle timeout never fires (a trickling body)
                .ifNoItem().after(Duration.ofMillis(timeoutMs * 2 + 1000)).failWith(TimeoutException::new)
                .map(r -> {
                    heed(upstream, r);
                    return classify(upstream, r, n);
                })
                .onFailure().recoverWithItem(t -> failure(t, n))
                .invoke(a -> upstream.limits().sample(Duration.ofNanos(System.nanoTime() - t0), a.overload()));
    }

    /**
     * What an answer says about the upstream as a whole: a 429 (or 503) with {@code Retry-After} pauses it for the
     * whole cluster (at most {@code max-retry-after}), a used-up rate-limit window pauses it until the window resets,
     * and a declared policy caps its rate.
     */
    private static void heed(Upstream upstream, HttpResponse<Buffer> r) {
        UpstreamLimits limits = upstream.limits();
        int code = r.statusCode();
        if (code == 429) {
            limits.noteTooMany();
        }
        if (code == 429 || code == 503) {
            Duration ra = retryAfter(r.getHeader("Retry-After"));
            if (ra != null) {
                limits.pause(min(ra, upstream.config().maxRetryAfter()));
            }
        }
        Duration exhausted = RateLimitHeaders.exhausted(r::getHeader);
        if (exhausted != null) {
            limits.pause(exhausted);
        }
        limits.learnRate(RateLimitHeaders.policyRate(r.getHeader("RateLimit-Policy")));
    }

    private Attempt classify(Upstream upstream, HttpResponse<Buffer> r, int n) {
        int code = r.statusCode();
        Buffer body = r.body();
        int size = body == null ? 0 : body.length();
        if (size > upstream.config().maxResponseBytes()) {
            return Attempt.failed(n, code, false, null, "response_too_large",
                    "upstream response of " + size + " bytes is over the limit of " + upstream.config().maxResponseBytes());
        }
        if (code >= 200 && code < 300) {
            return new Attempt(Kind.SUCCEEDED, n, code, false, null, parse(body), null, null);
        }
        boolean retryable = code == 429 || code == 408 || (code >= 500 && code != 501);
        String snippet = body == null ? "" : body.toString();
        if (snippet.length() > ERROR_BODY_CHARS) {
            snippet = snippet.substring(0, ERROR_BODY_CHARS);
        }
        return Attempt.failed(n, code, retryable, retryAfter(r.getHeader("Retry-After")), "upstream_status",
                "upstream answered " + code + (snippet.isBlank() ? "" : ": " + snippet));
    }

    private JsonNode parse(Buffer body) {
        if (body == null || body.length() == 0) {
            return null;
        }
        try {
            return bodyReader.readTree(body.getBytes());
        } catch (Exception notJson) {
            return TextNode.valueOf(body.toString());
        }
    }

    private static Attempt failure(Throwable t, int n) {
        if (isTimeout(t)) {
            return new Attempt(Kind.TIMED_OUT, n, null, true, null, null, "timeout", "upstream did not answer in time");
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return Attempt.failed(n, null, true, null, "connection_error", msg);
    }

    private static boolean isTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TimeoutException || c instanceof java.net.SocketTimeoutException
                    || c instanceof io.netty.handler.timeout.TimeoutException
                    || c.getClass().getSimpleName().contains("Timeout")) {
                return true;
            }
        }
        return false;
    }

    static Duration backoff(UpstreamConfig.Upstream cfg, int attempt) {
        long base = cfg.backoff().toMillis();
        long cap = cfg.maxBackoff().toMillis();
        long exp = Math.min(cap, base << Math.min(attempt - 1, 20));
        // "equal jitter": half fixed, half random, so retries spread out but never come at once
        long half = Math.max(1, exp / 2);
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    /** {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(Instant.now(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (Exception unreadable) {
                return null;
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private record Attempt(Kind kind, int attempt, Integer statusCode, boolean retryable,
                           Duration retryAfter, JsonNode result, String errorCode, String errorMessage) {

        /** The upstream pushed back: too many requests, unavailable, no answer in time, or no connection. */
        boolean overload() {
            return kind == Kind.TIMED_OUT || (statusCode == null && kind == Kind.FAILED && "connection_error".equals(errorCode))
                    || (statusCode != null && (statusCode == 429 || statusCode == 503));
        }

        static Attempt failed(int n, Integer code, boolean retryable, Duration retryAfter, String errCode, String message) {
            return new Attempt(Kind.FAILED, n, code, retryable, retryAfter, null, errCode, message);
        }
    }
}
