package io.batchwire.outbound;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/** Where Batchwire may send webhooks and result files. */
@ConfigMapping(prefix = "batchwire.outbound")
public interface OutboundConfig {

    /** Allow loopback addresses (127.0.0.0/8, ::1): for tests and local demos only. */
    @WithDefault("false")
    boolean allowLoopback();

    /** Allow private, link-local and other non-public addresses. */
    @WithDefault("false")
    boolean allowPrivate();

    /** Host names always refused (exact, case-insensitive). */
    Optional<List<String>> deniedHosts();

    /** If set, only these host names are allowed. */
    Optional<List<String>> allowedHosts();
}
