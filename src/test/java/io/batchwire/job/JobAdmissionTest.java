package io.batchwire.job;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JobAdmissionTest {

    @Test
    void retryAfterFollowsTheDrainRate() {
        assertThat(JobAdmission.retryAfterSeconds(100, 10.0)).isEqualTo(10);
        assertThat(JobAdmission.retryAfterSeconds(100, 1.0)).isEqualTo(100);
        assertThat(JobAdmission.retryAfterSeconds(1, 1000.0)).as("never less than a second").isEqualTo(1);
        assertThat(JobAdmission.retryAfterSeconds(10_000_000, 1.0)).as("capped at an hour").isEqualTo(3600);
        assertThat(JobAdmission.retryAfterSeconds(100, 0.0)).as("no rate yet").isEqualTo(30);
    }
}
