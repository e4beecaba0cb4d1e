package io.batchwire.dispatch;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "batchwire.dispatch")
public interface DispatchConfig {

    /** Records per message on the jobs topic: the unit that replicas share. */
    @WithDefault("100")
    int chunkSize();

    /** Chunks one replica works on at once (bounds memory and the time a message is held). */
    @WithDefault("16")
    int maxChunksInFlight();

    /** How often the outbox sweep looks for accepted jobs that never reached Kafka. */
    @WithDefault("5s")
    Duration recoveryInterval();

    /** An accepted job older than this and not yet on Kafka is (re)published by the sweep. */
    @WithDefault("15s")
    Duration recoveryGrace();

    /** How many stranded jobs one sweep republishes. */
    @WithDefault("50")
    int recoveryBatch();
}
