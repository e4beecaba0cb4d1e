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
}
