package io.batchwire.job;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "batchwire.jobs")
public interface JobLimitsConfig {

    /** Most records in one job (plans may set less). */
    @WithDefault("1000")
    int maxRecords();

    /** How often jobs past their time limit are looked for. */
    @WithDefault("1s")
    java.time.Duration deadlineCheckInterval();

    /** Longest time limit a job may ask for. */
    @WithDefault("604800")
    int maxTimeoutSeconds();

    /** Longest custom_id. */
    @WithDefault("256")
    int maxCustomIdLength();

    /** Largest metadata object, serialized. */
    @WithDefault("16384")
    int maxMetadataBytes();

    /** Largest single record, serialized. */
    @WithDefault("65536")
    int maxRecordBytes();

    /** Most field errors listed in one problem answer. */
    @WithDefault("50")
    int maxReportedErrors();

    /**
     * The sliding window a tenant's drain rate is measured over (records that took an outcome in it): what the
     * {@code Retry-After} of a refused submit and the estimate of a queued job are computed from.
     */
    @WithDefault("30s")
    java.time.Duration drainWindow();

    /** The longest {@code Retry-After} a refused submit is told (at least 1 s is always told). */
    @WithDefault("60s")
    java.time.Duration maxRetryAfter();

    /**
     * How often queued jobs are looked for that could start but were not promoted by a job's end (the plan's limit was
     * raised, or a promotion was lost with its replica): the safety net of the queue.
     */
    @WithDefault("5s")
    java.time.Duration queueCheckInterval();
}
