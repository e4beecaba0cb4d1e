package io.batchwire.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The Kafka topic names (the channels in application.properties point at these same keys). */
@ConfigMapping(prefix = "batchwire.topics")
public interface TopicsConfig {

    @WithDefault("batchwire.jobs")
    String jobs();

    @WithDefault("batchwire.record-results")
    String recordResults();

    @WithDefault("batchwire.job-events")
    String jobEvents();

    @WithDefault("batchwire.dead-letter")
    String deadLetter();
}
