package io.batchwire.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The operator console at {@code /console}. */
@ConfigMapping(prefix = "batchwire.console")
public interface ConsoleConfig {

    /** Off: {@code /console} answers 404. */
    @WithDefault("true")
    boolean enabled();

    /** How long a login lasts (the session cookie's lifetime; there is no sliding renewal). */
    @WithDefault("8h")
    Duration sessionTtl();

    /** The session cookie's {@code Secure} attribute: on, except in dev and test (plain http on loopback). */
    @WithDefault("true")
    boolean secureCookie();

    /** How often a live stream (Server-Sent Events) sends job progress and upstream figures; at least 200 ms. */
    @WithDefault("1s")
    Duration liveInterval();

    /** A live stream ends after this (the browser's EventSource reconnects by itself), so none is held for ever. */
    @WithDefault("10m")
    Duration liveMaxDuration();

    /** Live streams open at once on this replica; more answer 503 until one ends. */
    @WithDefault("32")
    int liveMaxStreams();

    /** Jobs one live stream follows at most (the jobs of one page). */
    @WithDefault("100")
    int liveMaxJobs();

    /** Rows on a page of jobs, results and deliveries. */
    @WithDefault("25")
    int pageSize();
}
