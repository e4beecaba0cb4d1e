package io.batchwire.job;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "batchwire.retention")
public interface RetentionConfig {

    /** How often the retention sweep runs. */
    @WithDefault("1m")
    Duration interval();

    /** After the plan's retention a job's record bodies go; this much later the whole job goes. */
    @WithDefault("7d")
    Duration jobGrace();

    /** How long a removed job's id still answers 410 rather than 404. */
    @WithDefault("30d")
    Duration tombstoneTtl();

    /** Jobs handled per statement. */
    @WithDefault("200")
    int batch();
}
