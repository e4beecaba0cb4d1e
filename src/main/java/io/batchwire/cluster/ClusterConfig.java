package io.batchwire.cluster;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How replicas know of each other: a lease per process in Postgres, renewed by a heartbeat. */
@ConfigMapping(prefix = "batchwire.cluster")
public interface ClusterConfig {

    /** How often a replica renews its lease. */
    @WithDefault("2s")
    Duration heartbeat();

    /**
     * How long a lease lasts: a replica that dies holding claims stalls its records at most this long (plus the
     * consumer group's session time-out, before its partitions move).
     */
    @WithDefault("10s")
    Duration lease();

    /**
     * On SIGTERM: the longest time a replica takes to hand its work back (finish the calls in flight, flush and store
     * their outcomes, commit) before it leaves anyway. Keep it under Kubernetes' terminationGracePeriodSeconds minus
     * the preStop delay.
     */
    @WithDefault("25s")
    Duration shutdownGrace();
}
