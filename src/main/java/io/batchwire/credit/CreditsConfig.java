package io.batchwire.credit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What a job's end gives back of its charge. Records that ended {@code cancelled}, and records that never ran because
 * the job failed as a whole, are always refunded; these say whether records that ran and failed or timed out are too.
 */
@ConfigMapping(prefix = "batchwire.credits")
public interface CreditsConfig {

    /** Refund records that ended {@code failed} (after their attempts) as well. */
    @WithDefault("false")
    boolean refundFailed();

    /** Refund records that ended {@code timed_out} (the job's time limit, or their attempts timed out) as well. */
    @WithDefault("false")
    boolean refundTimedOut();
}
