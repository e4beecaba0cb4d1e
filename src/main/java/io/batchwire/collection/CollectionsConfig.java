package io.batchwire.collection;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Collections and the retention of their runs (which replaces the plan's retention for runs). */
@ConfigMapping(prefix = "batchwire.collections")
public interface CollectionsConfig {

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
