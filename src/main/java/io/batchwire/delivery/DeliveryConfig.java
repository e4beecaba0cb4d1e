package io.batchwire.delivery;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;

@ConfigMapping(prefix = "batchwire.deliveries")
public interface DeliveryConfig {

    /** How often a replica looks for due deliveries. */
    @WithDefault("1s")
    Duration pollInterval();

    /** Deliveries one replica takes per poll. */
    @WithDefault("50")
    int batch();

    /** Waits between webhook and push attempts; attempts = waits + 1. Each wait gets +-20 % jitter. */
    @WithDefault("5s,1m,10m,1h")
    List<Duration> retrySchedule();

    /** Timeout of one webhook POST. */
    @WithDefault("10s")
    Duration webhookTimeout();

    /** Timeout of one result PUT. */
    @WithDefault("5m")
    Duration pushTimeout();

    /** How long a replica owns a delivery it took; another may take it after (a crashed sender). */
    @WithDefault("10m")
    Duration lease();

    /**
     * How the job-end CloudEvent is written to the events topic: {@code structured} (the whole event as
     * application/cloudevents+json in the value) or {@code binary} (ce_* headers, the job status as the value).
     */
    @WithDefault("structured")
    EventMode eventMode();

    enum EventMode {
        STRUCTURED, BINARY
    }

    /** How long the previous webhook secret keeps signing after a rotation. */
    @WithDefault("24h")
    Duration secretOverlap();
}
