package io.batchwire.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** How the service names itself in the links it hands out. */
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
}
