package io.batchwire.upstream;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The upstream APIs records are sent to, one entry per job {@code type}.
 *
 * <pre>
 * batchwire.upstreams.company.url=https://api.example.com/companies?domain={domain}
 * batchwire.upstreams.company.concurrency=200
 * batchwire.upstreams.http.kind=http
 * batchwire.upstreams.http.allowed-hosts=api.example.com
 * batchwire.upstreams.browser.kind=render
 * batchwire.upstreams.browser.url=http://renderer:3000/render
 * </pre>
 *
 * The upstream named {@value #RENDERER} is the rendering upstream: an {@code http} record with {@code browser: true}
 * goes to it instead of to its target.
 */
@ConfigMapping(prefix = "batchwire.upstreams")
public interface UpstreamConfig {

    /** The name of the rendering upstream that http records asking for a browser are sent to. */
    String RENDERER = "browser";

    @WithParentName
    Map<String, Upstream> types();

    interface Upstream {
        /**
         * {@code template}: the URL is a template filled from the record; {@code http}: the record is the request;
         * {@code render}: a headless-browser service at {@code url} that is POSTed {@code {url, screenshot, actions}}
         * and answers the page's HTML (and a base64 screenshot) as JSON.
         */
        @WithDefault("template")
        Kind kind();

        /** Endpoint template, e.g. {@code http://host/companies?domain={domain}}. Required for template upstreams. */
        Optional<String> url();

        /** HTTP method of template upstreams; for POST/PUT/PATCH the record (minus custom_id) is the JSON body. */
        @WithDefault("GET")
        String method();

        /** Extra request headers, e.g. an upstream API key. */
        Map<String, String> headers();

        /**
         * Most requests in flight to this upstream at once, across all jobs and all replicas: replicas lease slices of
         * it ({@code batchwire.limits.*}).
         */
        @WithDefault("50")
        int concurrency();

        /** Most requests started per second, across all replicas; 0 = no rate limit. */
        @WithDefault("0")
        double ratePerSecond();

        /**
         * Learn the concurrency the upstream copes with, up to {@code concurrency}: 429, 503, time-outs and rising
         * latency cut it by {@code adaptive-backoff}; healthy, busy windows grow it by one (AIMD).
         */
        @WithDefault("false")
        boolean adaptive();

        /** The factor an overload cuts the adaptive limit by. */
        @WithDefault("0.9")
        double adaptiveBackoff();

        /** A window whose mean latency is this many times the unloaded latency counts as overload. */
        @WithDefault("1.5")
        double adaptiveLatencyTolerance();

        /** After an overload, how long the adaptive limit stays below the level where it happened before it probes again. */
        @WithDefault("30s")
        Duration adaptiveProbeHold();

        /** The deadline of one attempt, from sending to the answer's last byte. */
        @WithDefault("30s")
        Duration timeout();

        @WithDefault("5s")
        Duration connectTimeout();

        /** Attempts per record, the first one included. */
        @WithDefault("4")
        int maxAttempts();

        /** First retry delay; doubles per attempt, with full jitter. */
        @WithDefault("500ms")
        Duration backoff();

        @WithDefault("30s")
        Duration maxBackoff();

        /** A {@code Retry-After} longer than this is cut to it. */
        @WithDefault("60s")
        Duration maxRetryAfter();

        /**
         * An answer is read up to this many bytes (after decompression); a larger one is cut off and fails the record
         * with {@code response_too_large}. The whole answer must arrive within {@code timeout}.
         */
        @WithDefault("1048576")
        int maxResponseBytes();

        /**
         * Credits one record of this type costs on a metered plan (a submit is charged records x price); 0 makes the
         * type free.
         */
        @WithDefault("1")
        long price();

        /**
         * {@code http} upstreams only: if set, the only hosts a record may call (exact names or {@code *.suffix}
         * patterns), on top of the outbound policy ({@code batchwire.outbound.*}) that every record's URL passes.
         */
        Optional<List<String>> allowedHosts();

        /**
         * A 2xx answer carrying one of these headers ({@code name=value}, value matched case-insensitively) is a block
         * page, not content: the record fails with {@code blocked}. Cloudflare's challenge by default.
         */
        @WithDefault("cf-mitigated=challenge")
        List<String> blockHeaders();

        /**
         * A 2xx HTML answer (Content-Type text/html, or a body starting with {@code <}) whose first
         * {@code block-scan-bytes} contain one of these markers (case-insensitive) is a captcha or block page: the
         * record fails with {@code blocked}. JSON answers are never scanned.
         */
        @WithDefault("g-recaptcha,hcaptcha.com,h-captcha,verify you are a human,cf-chl-,/cdn-cgi/challenge-platform/")
        List<String> blockMarkers();

        /** How much of an HTML answer is scanned for block markers. */
        @WithDefault("65536")
        int blockScanBytes();

        /**
         * The public sync path this upstream is exported under, e.g. {@code /api/v3/organizations}: then
         * {@code POST {path}/async/?async_format=} takes the sync endpoint's payload and runs it as an export job that
         * follows {@code pagination} to the last page. The upstream's {@code url} (no placeholders) is called with
         * {@code method} and the payload as the JSON body.
         */
        Optional<String> path();

        /** How the sync endpoint's answers page; see {@link Pagination}. */
        @WithDefault("none")
        Pagination pagination();

        /** The field of an answer holding the page's rows (an answer that is an array is the rows itself). */
        @WithDefault("results")
        String rowsField();

        /** next-link: the field holding the next page's URL; cursor: the field holding the next cursor. */
        @WithDefault("next")
        String nextField();

        /** cursor: the payload field the cursor is sent in. */
        @WithDefault("cursor")
        String cursorParam();

        /** offset: the payload fields the offset and the page size are sent in. */
        @WithDefault("offset")
        String offsetParam();

        @WithDefault("limit")
        String limitParam();

        /** offset: rows asked per page; a shorter page is the last. */
        @WithDefault("1000")
        int pageSize();

        /**
         * Exports: a page's answer is read as a stream and only its rows are held, each at most this many bytes (and
         * no string anywhere in the answer longer): a larger row fails the export with {@code row_too_large}.
         */
        @WithDefault("65536")
        int maxRowBytes();

        /** Exports: most rows one page may hold; a page with more fails the export with {@code too_many_rows}. */
        @WithDefault("10000")
        int maxPageRows();

        /**
         * Exports with a cursor or next link: how many of the last positions are remembered, so an upstream whose
         * pagination goes round in a cycle (A, B, A) fails the export with {@code pagination_stuck}.
         */
        @WithDefault("32")
        int paginationMemory();

        /**
         * Exports on a metered plan: {@code per-call} charges {@code price} credits for each page stored,
         * {@code per-row} charges {@code price} for each row stored. Charged as each page is stored, once.
         */
        @WithDefault("per-call")
        ExportCredits exportCredits();

        /** {@code render}: the field of the renderer's JSON answer holding the page's HTML (a string, required). */
        @WithDefault("html")
        String htmlField();

        /** {@code render}: the field holding the base64 screenshot (a string, or absent/null when none was taken). */
        @WithDefault("screenshot")
        String screenshotField();

        /**
         * {@code render}: the field holding the status code the page itself answered the renderer with; when the
         * answer has it, a page that answered other than 2xx fails the record as any upstream status does.
         */
        @WithDefault("status_code")
        String statusField();

        /**
         * {@code render}: the action {@code type}s the renderer supports; a request with another type is refused at
         * create. Each action is passed to the renderer as given ({@code wait-for-timeout} takes {@code time} in ms,
         * at most this upstream's {@code timeout}).
         */
        @WithDefault("wait-for-timeout,wait-for-selector,click,scroll")
        List<String> actionTypes();

        /** {@code render}: most actions in one request. */
        @WithDefault("20")
        int maxActions();
    }

    enum Kind { TEMPLATE, HTTP, RENDER }

    /** How an export is charged: per page fetched and stored, or per row stored. */
    enum ExportCredits { PER_CALL, PER_ROW }

    /**
     * {@code none}: one answer is the whole result; {@code next-link}: the answer's {@code next-field} is the URL of the
     * next page (same host as {@code url}), absent or null at the end; {@code cursor}: the answer's
     * {@code next-field} is a cursor sent back in {@code cursor-param}, absent, null or empty at the end;
     * {@code offset}: {@code offset-param} and {@code limit-param} are set in the payload, a page shorter than
     * {@code page-size} is the last.
     */
    enum Pagination { NONE, NEXT_LINK, CURSOR, OFFSET }
}
