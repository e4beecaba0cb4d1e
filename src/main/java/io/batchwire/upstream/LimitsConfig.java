package io.batchwire.upstream;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How replicas share each upstream's cluster-wide limits: slices leased from Postgres. */
@ConfigMapping(prefix = "batchwire.limits")
public interface LimitsConfig {

    /** How often a replica with work for an upstream renews its slice (and sees the others' demand). */
    @WithDefault("1s")
    Duration renewInterval();

    /** How long a slice holds without renewal: a dead replica's slice is free again after this. */
    @WithDefault("3s")
    Duration lease();
}
