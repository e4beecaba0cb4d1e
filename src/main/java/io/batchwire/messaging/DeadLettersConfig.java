package io.batchwire.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The operator's store of dead letters ({@link DeadLetterStore}). */
@ConfigMapping(prefix = "batchwire.dead-letters")
public interface DeadLettersConfig {

    /** Stored dead letters are deleted this long after they arrived (the topic keeps its own retention). */
    @WithDefault("30d")
    Duration retention();

    /** How often the purge runs. */
    @WithDefault("1h")
    Duration purgeInterval();
}
