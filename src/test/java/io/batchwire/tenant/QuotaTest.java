package io.batchwire.tenant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QuotaTest {

    @Test
    void retryAfterFollowsTheDrainRate() {
        assertThat(Quota.retryAfterSeconds(100, 10.0)).isEqualTo(10);
        assertThat(Quota.retryAfterSeconds(100, 1.0)).isEqualTo(100);
        assertThat(Quota.retryAfterSeconds(1, 1000.0)).as("never less than a second").isEqualTo(1);
        assertThat(Quota.retryAfterSeconds(10_000_000, 1.0)).as("capped at an hour").isEqualTo(3600);
        assertThat(Quota.retryAfterSeconds(100, 0.0)).as("no rate yet").isEqualTo(30);
    }
}
