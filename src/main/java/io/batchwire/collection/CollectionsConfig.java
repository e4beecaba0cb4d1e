package io.batchwire.collection;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Collections and the retention of their runs (which replaces the plan's retention for runs). */
@ConfigMapping(prefix = "batchwire.collections")
public interface CollectionsConfig {

    /**
     * The worker-level time limit of each request of a run, over all its attempts, when the collection does not set
     * its own ({@code request_timeout_seconds}): a request still without its answer then is {@code timed_out}
     * (counted in {@code timeout_requests}).
     */
    @WithDefault("30s")
    Duration requestTimeout();

    /** The longest {@code request_timeout_seconds} a collection may set. */
    @WithDefault("15m")
    Duration maxRequestTimeout();

    /** Longest collection name. */
    @WithDefault("200")
    int maxNameLength();

    /** How long after a run finished its response bodies (and request headers and bodies) are kept. */
    @WithDefault("48h")
    Duration bodyRetention();

    /** How long after a run finished its metadata (status, timings, url, custom_id) is kept; then the run goes. */
    @WithDefault("90d")
    Duration metadataRetention();

    /** How often the run retention sweep runs. */
    @WithDefault("1m")
    Duration retentionInterval();

    /** Runs handled per sweep statement. */
    @WithDefault("200")
    int retentionBatch();
}
