package io.batchwire.upstream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.batchwire.outbound.OutboundClient;
import io.batchwire.outbound.OutboundException;
import io.batchwire.outbound.OutboundPolicy;
import io.batchwire.trace.Traces;
import io.batchwire.upstream.CallResult.Kind;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntPredicate;

/**
 * Sends one record to its upstream: under the upstream's concurrency and rate limits, with a timeout per
 * attempt and retries (backoff with jitter, or the upstream's {@code Retry-After}) on 429, 5xx, time-outs and
 * connection errors. The permit is given back while a record waits to retry. Never fails: every end is an outcome.
 */
@Singleton // not a client proxy: it is called on every record's path (issue 17)
public class UpstreamCaller {

    private static final int ERROR_BODY_CHARS = 500;

    /** A body is JSON only if all of it is: {@code "" and more} is text, not the empty string. */
    private final ObjectReader bodyReader;
    private final MeterRegistry metrics;
    /** Each upstream's meters, by its type. */
    private final java.util.Map<String, Meters> meters = new java.util.concurrent.ConcurrentHashMap<>();

    /** A record's whole call (waits for the limit and retries included), by upstream and outcome ({@code status}). */
    public static final String RECORD_DURATION = "batchwire.upstream.record.duration";
    /** One attempt's round trip to the upstream (request sent to answer read), by upstream; with p50 and p99. */
    public static final String ATTEMPT_DURATION = "batchwire.upstream.attempt.duration";
    /** Every attempt's answer, by upstream and {@code class}: 2xx, 429, 5xx, other (any other status), error (none). */
    public static final String ANSWERS = "batchwire.upstream.answers";

    private final Traces traces;

    public UpstreamCaller(ObjectMapper json, MeterRegistry metrics, Traces traces) {
        this.traces = traces;
        this.bodyReader = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.metrics = metrics;
    }

    /**
     * Sends one record's input; how it ended, or null when {@code stopBefore} said before some attempt (given its
     * number, from 1) that no more should be made: the record's job has ended, or (before the first) the caller gave
     * the record up. Asked once the attempt holds its concurrency permit, right before sending. Within
     * {@code timeLimit} (null: none), the record's own time limit over all its attempts, counted from
     * its first send: an attempt gets at most what is left of it, a retry that would start past it is not made, and a
     * record still without its answer at the limit is timed out ({@code time_limit}). Waiting for a first slot at the
     * upstream does not count. A browser request ({@link Upstream#route}) is made by the rendering upstream. Each
     * attempt is a client span under {@code trace} (the dispatcher's span of the chunk; the no-op span: none).
     */
    public Uni<CallResult> call(Upstream upstream, JsonNode input, Who who, IntPredicate stopBefore, Duration timeLimit,
                                Span trace) {
        return call(upstream.route(input), input, who, stopBefore, false, timeLimit, trace);
    }

    /**
     * Fetches one page of an export ({@link Upstream#preparePage}), under the same limits, time-outs and retries as a
     * record; a 2xx answer is read as a stream ({@link PageReader}) and a success's body is the page
     * ({@link Upstream#page}: its rows as the upstream wrote them, the next position, and the positions seen before),
     * an answer that is not a page fails with {@code not_a_page}, {@code row_too_large} or {@code too_many_rows}, a
     * cursor or link seen before (the one asked with, or one of the last {@code pagination-memory}) with
     * {@code pagination_stuck}.
     */
    public Uni<CallResult> callPage(Upstream upstream, JsonNode input, Who who, IntPredicate stopBefore, Span trace) {
        return call(upstream, input, who, stopBefore, true, null, trace);
    }

    private Uni<CallResult> call(Upstream upstream, JsonNode input, Who who, IntPredicate stopBefore, boolean page,
                                 Duration timeLimit, Span trace) {
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        TimeLimit limit = timeLimit == null ? null : new TimeLimit(timeLimit);
        return attempt(upstream, input, who, 1, stopBefore, page, limit, trace).onItem().ifNotNull().transform(a -> {
            long durationMs = (System.nanoTime() - t0) / 1_000_000;
            timer(upstream.type(), a.kind).record(durationMs, java.util.concurrent.TimeUnit.MILLISECONDS);
            return new CallResult(a.kind, a.statusCode, a.attempt, startedAt, durationMs, a.result, a.errorCode,
                    a.errorMessage);
        });
    }

    /** The classes of {@link #ANSWERS}, in the order of {@link #answerClass}'s indexes. */
    private static final String[] ANSWER_CLASSES = {"2xx", "429", "5xx", "other", "error"};

    /**
     * One upstream's meters, registered when it is first called and then only read: they are on every record's path,
     * so no name is built and no tag is looked up per record.
     */
    private final class Meters {
        final Timer attempt;
        final Timer[] records = new Timer[Kind.values().length];
        final io.micrometer.core.instrument.Counter[] answers = new io.micrometer.core.instrument.Counter[ANSWER_CLASSES.length];

        Meters(String upstream) {
            attempt = Timer.builder(ATTEMPT_DURATION).tag("upstream", upstream).publishPercentiles(0.5, 0.99)
                    .register(metrics);
            for (Kind kind : Kind.values()) {
                records[kind.ordinal()] = Timer.builder(RECORD_DURATION).tag("upstream", upstream)
                        .tag("status", kind.wire()).register(metrics);
            }
            for (int i = 0; i < ANSWER_CLASSES.length; i++) {
                answers[i] = io.micrometer.core.instrument.Counter.builder(ANSWERS).tag("upstream", upstream)
                        .tag("class", ANSWER_CLASSES[i]).register(metrics);
            }
        }
    }

    private Meters meters(String upstream) {
        Meters m = meters.get(upstream);
        return m != null ? m : meters.computeIfAbsent(upstream, Meters::new);
    }

    /** The per-upstream, per-outcome timer of a record's whole call. */
    private Timer timer(String upstream, Kind kind) {
        return meters(upstream).records[kind.ordinal()];
    }

    private Timer attemptTimer(String upstream) {
        return meters(upstream).attempt;
    }

    /** Counts one attempt's answer by its class (status null: no answer). */
    private void answered(String upstream, Integer status) {
        meters(upstream).answers[answerClass(status)].increment();
    }

    /** The index in {@link #ANSWER_CLASSES} of an answer's status (null: no answer). */
    private static int answerClass(Integer status) {
        return status == null ? 4 : status == 429 ? 1 : status >= 200 && status < 300 ? 0
                : status >= 500 && status < 600 ? 2 : 3;
    }

    /** Whose call it is: the tenant's weight shares the upstream among the tenants waiting for it. */
    public record Who(UUID tenant, double weight) {
    }

    private Uni<Attempt> attempt(Upstream upstream, JsonNode input, Who who, int n, IntPredicate stopBefore, boolean page,
                                 TimeLimit limit, Span trace) {
        UpstreamConfig.Upstream cfg = upstream.config();
        return upstream.limits()
                .run(who.tenant(), who.weight(), () -> stopBefore.test(n), () -> send(upstream, input, n, page, limit, trace))
                .onItem().ifNotNull().transformToUni(a -> {
                    if (!a.retryable || n >= cfg.maxAttempts()) {
                        return Uni.createFrom().item(a);
                    }
                    Duration wait = a.retryAfter != null ? min(a.retryAfter, cfg.maxRetryAfter()) : backoff(cfg, n);
                    if (limit != null && !limit.leaves(wait)) {
                        return Uni.createFrom().item(a);
                    }
                    return Uni.createFrom().voidItem().onItem().delayIt().by(wait)
                            .chain(() -> attempt(upstream, input, who, n + 1, stopBefore, page, limit, trace));
                });
    }

    /**
     * A record's own time limit over all its attempts, started by its first send. Used by one record's attempts, which
     * run one after the other.
     */
    private static final class TimeLimit {
        private final Duration limit;
        private long deadline;
        private boolean started;

        TimeLimit(Duration limit) {
            this.limit = limit;
        }

        /** What is left of it, starting it at the first call. */
        long leftNanos() {
            if (!started) {
                started = true;
                deadline = System.nanoTime() + limit.toNanos();
            }
            return deadline - System.nanoTime();
        }

        /** Whether a retry after {@code wait} would still start within it. */
        boolean leaves(Duration wait) {
            return !started || deadline - System.nanoTime() > wait.toNanos();
        }

        Attempt exceeded(int n) {
            return new Attempt(Kind.TIMED_OUT, n, null, false, null, null, TIME_LIMIT,
                    "the request ran past its time limit of " + limit.toMillis() + " ms (over all its attempts)");
        }
    }

    /** The error code of a record stopped by its own time limit. */
    static final String TIME_LIMIT = "time_limit";

    private Uni<Attempt> send(Upstream upstream, JsonNode input, int n, boolean page, TimeLimit limit, Span trace) {
        Duration deadline = upstream.config().timeout();
        boolean cut = false;
        if (limit != null) {
            long left = limit.leftNanos();
            if (left <= 0) {
                return Uni.createFrom().item(limit.exceeded(n));
            }
            if (left < deadline.toNanos()) {
                deadline = Duration.ofNanos(left);
                cut = true;
            }
        }
        Duration attemptDeadline = deadline;
        boolean cutByLimit = cut;
        // a template upstream's request is built here and now; a checked one (http, rendering, a page) takes a step
        OutboundClient.Request now;
        Uni<OutboundClient.Request> prepared = null;
        try {
            now = page ? null : upstream.prepareAtOnce(input);
            if (now == null) {
                prepared = page ? upstream.preparePage(input) : upstream.prepare(input);
            }
        } catch (RuntimeException e) {
            return Uni.createFrom().item(invalid(n, e));
        }
        Uni<Attempt> sent;
        if (now != null) {
            try {
                sent = exchange(upstream, input, n, page, limit, trace, attemptDeadline, cutByLimit, now);
            } catch (RuntimeException e) {
                sent = Uni.createFrom().failure(e); // as a throw inside chain below would: recovered just after
            }
        } else {
            sent = prepared.chain(request -> exchange(upstream, input, n, page, limit, trace, attemptDeadline, cutByLimit, request));
        }
        return sent.onFailure().recoverWithItem(t -> t instanceof OutboundPolicy.DeniedException
                // the record's URL is refused where it resolves now (an http record): not worth retrying
                ? Attempt.failed(n, null, false, null, "refused_by_policy", "the outbound policy refused the call: url " + t.getMessage())
                : invalid(n, t));
    }

    /**
     * One attempt's round trip: the request sent, its answer (or its failure) made into an attempt in one step, timed,
     * fed to the limits and the attempt's span. One Mutiny stage on purpose: every stage costs a context capture and
     * a callback on each record's path (issue 17).
     */
    private Uni<Attempt> exchange(Upstream upstream, JsonNode input, int n, boolean page, TimeLimit limit, Span trace,
                                  Duration deadline, boolean cutByLimit, OutboundClient.Request request) {
        long t0 = System.nanoTime();
        Span span = trace.getSpanContext().isValid()
                ? traces.start("upstream " + upstream.type(), SpanKind.CLIENT, trace) : Span.getInvalid();
        Traces.inject(span, request.headers());
        if (page) {
            return upstream.receive(request, deadline, (status, headers) ->
                            status >= 200 && status < 300 ? new PageBody(upstream.pageReader()) : new PageBody(null))
                    .onItemOrFailure().transform((a, t) -> settle(upstream, n, limit, cutByLimit, request, span, t0, t,
                            () -> {
                                answered(upstream.type(), a.status());
                                heed(upstream, a.status(), a::header);
                                return asPage(upstream, input, a, n);
                            }));
        }
        return upstream.send(request, deadline)
                .onItemOrFailure().transform((r, t) -> settle(upstream, n, limit, cutByLimit, request, span, t0, t,
                        () -> {
                            answered(upstream.type(), r.status());
                            heed(upstream, r.status(), r::header);
                            return classify(upstream, r, n);
                        }));
    }

    /**
     * How an attempt ended: {@code read} its answer, or its failure {@code t} (no answer, or reading the answer
     * failed); then timed, sampled by the limits, and its span ended.
     */
    private Attempt settle(Upstream upstream, int n, TimeLimit limit, boolean cutByLimit, OutboundClient.Request request,
                           Span span, long t0, Throwable t, java.util.function.Supplier<Attempt> read) {
        Attempt a = null;
        Throwable failed = t;
        if (failed == null) {
            try {
                a = read.get();
            } catch (RuntimeException e) {
                failed = e;
            }
        }
        if (a == null) {
            if (t != null) {
                answered(upstream.type(), null); // no answer at all: one that came and could not be read is counted already
            }
            a = cutByLimit && failed instanceof OutboundException o && o.isTimeout() ? limit.exceeded(n) : failure(failed, n);
        }
        long took = System.nanoTime() - t0;
        attemptTimer(upstream.type()).record(took, java.util.concurrent.TimeUnit.NANOSECONDS);
        upstream.limits().sample(Duration.ofNanos(took), a.overload());
        ended(span, upstream, request, a);
        return a;
    }

    /** Ends an attempt's client span: the upstream, the method, the status (or why there was none), the attempt. */
    private static void ended(Span span, Upstream upstream, OutboundClient.Request request, Attempt a) {
        if (!span.getSpanContext().isValid()) {
            return;
        }
        span.setAttribute("batchwire.upstream", upstream.type())
                .setAttribute("http.request.method", request.method().name())
                .setAttribute("batchwire.attempt", a.attempt)
                .setAttribute("batchwire.outcome", a.kind.wire());
        if (a.statusCode != null) {
            span.setAttribute("http.response.status_code", a.statusCode);
        }
        if (a.kind != Kind.SUCCEEDED) {
            Traces.fail(span, a.errorCode);
        }
        span.end();
    }

    /**
     * A page's answer as it is read: a 2xx one by its {@link PageReader} (only the rows are held), any other one whole
     * (within the byte cap), for its error.
     */
    private static final class PageBody implements OutboundClient.BodyReader<PageBody> {
        private final PageReader reader;
        private final Buffer other = Buffer.buffer();
        private PageReader.Result page;

        PageBody(PageReader reader) {
            this.reader = reader;
        }

        @Override
        public boolean chunk(Buffer chunk) {
            if (reader == null) {
                other.appendBuffer(chunk);
                return true;
            }
            return reader.chunk(chunk.getBytes());
        }

        @Override
        public PageBody end() {
            page = reader == null ? null : reader.end();
            return this;
        }
    }

    /**
     * An answer to a page request: a 2xx one is the page ({@link Upstream#page}: its rows and the next position) or,
     * when it is not a page, a failure not worth retrying; any other answer is classified as a record's.
     */
    private static Attempt asPage(Upstream upstream, JsonNode input, OutboundClient.Answer<PageBody> a, int n) {
        PageReader.Result read = a.body().page;
        if (read == null) {
            return refused(a.status(), a.body().other, a::header, n);
        }
        String blocked = BlockPages.signal(upstream.config(), a::header, null);
        if (blocked != null) {
            return Attempt.failed(n, a.status(), false, null, "blocked",
                    "the target answered " + a.status() + " with a block page, not content (" + blocked + ")");
        }
        if (read.refused()) {
            return Attempt.failed(n, a.status(), false, null, read.code(), read.message());
        }
        ObjectNode page = upstream.page(read, input);
        JsonNode next = page.get("next");
        UpstreamConfig.Upstream cfg = upstream.config();
        if (!next.isNull() && (cfg.pagination() == UpstreamConfig.Pagination.CURSOR
                || cfg.pagination() == UpstreamConfig.Pagination.NEXT_LINK)) {
            if (next.asText().equals(input.path("position").asText(null))) {
                // an upstream that answers with the cursor (or link) it was asked with would be asked for ever
                return Attempt.failed(n, a.status(), false, null, "pagination_stuck", "the upstream answered with the"
                        + " same '" + cfg.nextField() + "' it was asked for: its pagination does not advance");
            }
            ArrayNode seen = PageMemory.seen(input, cfg.paginationMemory());
            if (PageMemory.contains(seen, next.asText())) {
                return Attempt.failed(n, a.status(), false, null, "pagination_stuck", "the upstream answered with a '"
                        + cfg.nextField() + "' it gave before: its pagination goes round in a cycle");
            }
            page.set(PageMemory.FIELD, seen);
        }
        return new Attempt(Kind.SUCCEEDED, n, a.status(), false, null, page, null, null);
    }

    private static Attempt invalid(int n, Throwable e) {
        return Attempt.failed(n, null, false, null, "invalid_request",
                "the record could not be turned into a request: " + e.getMessage());
    }

    /**
     * What an answer says about the upstream as a whole: a 429 (or 503) with {@code Retry-After} pauses it for the
     * whole cluster (at most {@code max-retry-after}), a used-up rate-limit window pauses it until the window resets,
     * and a declared policy caps its rate.
     */
    private static void heed(Upstream upstream, int code, java.util.function.Function<String, String> header) {
        UpstreamLimits limits = upstream.limits();
        if (code == 429) {
            limits.noteTooMany();
        }
        if (code == 429 || code == 503) {
            Duration ra = retryAfter(header.apply("Retry-After"));
            if (ra != null) {
                limits.pause(min(ra, upstream.config().maxRetryAfter()));
            }
        }
        Duration exhausted = RateLimitHeaders.exhausted(header);
        if (exhausted != null) {
            limits.pause(exhausted);
        }
        limits.learnRate(RateLimitHeaders.policyRate(header.apply("RateLimit-Policy")));
    }

    private Attempt classify(Upstream upstream, OutboundClient.Response r, int n) {
        int code = r.status();
        Buffer body = r.body();
        if (code >= 200 && code < 300) {
            if (upstream.renders()) {
                return rendered(upstream, code, body, n);
            }
            String blocked = BlockPages.signal(upstream.config(), r::header, body);
            if (blocked != null) {
                return Attempt.failed(n, code, false, null, "blocked",
                        "the target answered " + code + " with a block page, not content (" + blocked + ")");
            }
            return new Attempt(Kind.SUCCEEDED, n, code, false, null, parse(body), null, null);
        }
        return refused(code, body, r::header, n);
    }

    /** A non-2xx answer: worth retrying on 408, 429 and 5xx (but 501); its error quotes the start of the body. */
    private static Attempt refused(int code, Buffer body, java.util.function.Function<String, String> header, int n) {
        boolean retryable = retryable(code);
        String snippet = body.length() > ERROR_BODY_CHARS * 4 ? body.getString(0, ERROR_BODY_CHARS * 4) : body.toString();
        if (snippet.length() > ERROR_BODY_CHARS) {
            snippet = snippet.substring(0, ERROR_BODY_CHARS);
        }
        return Attempt.failed(n, code, retryable, retryAfter(header.apply("Retry-After")), "upstream_status",
                "upstream answered " + code + (snippet.isBlank() ? "" : ": " + snippet));
    }

    /** Statuses worth another attempt: too many requests, request time-out, and server errors but 501. */
    private static boolean retryable(int code) {
        return code == 429 || code == 408 || (code >= 500 && code != 501);
    }

    /**
     * A rendering upstream's 2xx answer: the page's HTML and screenshot, judged by the status the page answered with
     * (when the renderer says it) and by the block-page markers in its HTML, as any answer is.
     */
    private Attempt rendered(Upstream upstream, int code, Buffer body, int n) {
        UpstreamConfig.Upstream cfg = upstream.config();
        Rendering.Page page = Rendering.read(cfg, bodyReader, body);
        if (page.problem() != null) {
            return Attempt.failed(n, code, false, null, "bad_render", page.problem());
        }
        int status = page.status() == null ? code : page.status();
        if (status < 200 || status >= 300) {
            return Attempt.failed(n, status, retryable(status), null, "upstream_status",
                    "the page answered " + status + " to the renderer");
        }
        String blocked = BlockPages.signal(cfg, name -> name.equalsIgnoreCase("Content-Type") ? "text/html" : null,
                Rendering.scanned(cfg, page.html()));
        if (blocked != null) {
            return Attempt.failed(n, status, false, null, "blocked",
                    "the page rendered as a block page, not content (" + blocked + ")");
        }
        return new Attempt(Kind.SUCCEEDED, n, status, false, null, page.result(), null, null);
    }

    /**
     * A 2xx answer's body as the record's result: JSON as raw text (checked, not built into a tree: it is only written
     * out again), anything else as a JSON string.
     */
    private JsonNode parse(Buffer body) {
        if (body.length() == 0) {
            return null;
        }
        byte[] bytes = body.getBytes();
        try {
            if (RawJson.plainUtf8(bytes)) {
                try (com.fasterxml.jackson.core.JsonParser p = bodyReader.createParser(bytes)) {
                    return RawJson.ifOneValue(p, bytes);
                } catch (java.nio.charset.CharacterCodingException notUtf8) {
                    // JSON, but not well-formed UTF-8: read as a tree, decoded as Jackson decodes it
                }
            }
            return bodyReader.readTree(bytes);
        } catch (Exception notJson) {
            return TextNode.valueOf(body.toString());
        }
    }

    private static Attempt failure(Throwable t, int n) {
        if (t instanceof OutboundException o) {
            return switch (o.code()) {
                case OutboundException.TOO_LARGE -> Attempt.failed(n, null, false, null, o.code(), "upstream " + o.getMessage());
                case OutboundException.TIMEOUT -> new Attempt(Kind.TIMED_OUT, n, null, true, null, null, o.code(),
                        "upstream did not answer in time");
                case OutboundException.DEADLINE -> new Attempt(Kind.TIMED_OUT, n, null, true, null, null, o.code(),
                        "upstream did not finish its answer in time");
                default -> Attempt.failed(n, null, true, null, "connection_error", o.getMessage());
            };
        }
        if (isTimeout(t)) {
            return new Attempt(Kind.TIMED_OUT, n, null, true, null, null, "timeout", "upstream did not answer in time");
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return Attempt.failed(n, null, true, null, "connection_error", msg);
    }

    private static boolean isTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.util.concurrent.TimeoutException || c instanceof java.net.SocketTimeoutException
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
            return (kind == Kind.TIMED_OUT && !TIME_LIMIT.equals(errorCode)) || (statusCode == null && kind == Kind.FAILED && "connection_error".equals(errorCode))
                    || (statusCode != null && (statusCode == 429 || statusCode == 503));
        }

        static Attempt failed(int n, Integer code, boolean retryable, Duration retryAfter, String errCode, String message) {
            return new Attempt(Kind.FAILED, n, code, retryable, retryAfter, null, errCode, message);
        }
    }
}
