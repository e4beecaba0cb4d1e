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

        /** Most requests in flight to this upstream at once, across all jobs (per replica). */
        @WithDefault("50")
        int concurrency();

        /** Most requests started per second (per replica); 0 = no rate limit. */
        @WithDefault("0")
        double ratePerSecond();

        /** Whole-request timeout of one attempt. */
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

        /** Larger response bodies fail the record with {@code response_too_large}. */
        @WithDefault("1048576")
        int maxResponseBytes();

        /**
         * Credits one record of this type costs on a metered plan (a submit is charged records x price); 0 makes the
         * type free.
         */
        @WithDefault("1")
        long price();

        /** {@code http} upstreams only: hosts a record may target (exact names; empty = none). */
        Optional<List<String>> allowedHosts();
    }

    enum Kind { TEMPLATE, HTTP }
}
