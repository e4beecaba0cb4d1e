package io.batchwire.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** How the service names itself in the links it hands out, and how long it waits for a request's body. */
@ConfigMapping(prefix = "batchwire.http")
public interface HttpConfig {

    /**
     * The service's public base URL ({@code https://batch.example.com}, optionally with a path prefix). When set,
     * every link is built on it; when not, on the request's {@code X-Forwarded-*} / {@code Host} headers, and outside
     * a request (webhooks) on this replica's own address.
     */
    Optional<String> publicUrl();

    /** Whether {@code X-Forwarded-Proto}, {@code -Host} and {@code -Prefix} name the base of links (behind a proxy). */
    @WithDefault("true")
    boolean forwardedHeaders();

    /**
     * How long a request's body may take to arrive, from its headers to its last byte ({@link BodyLimit}); past it a
     * request not yet answered gets a 408 and its connection is closed (one answered, its connection closed).
     * Requests without a body, and answers however long they stream, are not bounded by it.
     */
    @WithDefault("60s")
    Duration bodyTimeout();
}
