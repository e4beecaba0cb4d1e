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
 * </pre>
 */
@ConfigMapping(prefix = "batchwire.upstreams")
public interface UpstreamConfig {

    @WithParentName
    Map<String, Upstream> types();

    interface Upstream {
        /** {@code template}: the URL is a template filled from the record; {@code http}: the record is the request. */
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
    }

    enum Kind { TEMPLATE, HTTP }
}
