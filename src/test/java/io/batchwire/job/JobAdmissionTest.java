package io.batchwire.job;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JobAdmissionTest {

    private static final DrainRate.Rate TEN_PER_SECOND = new DrainRate.Rate(10, true);

    @Test
    void retryAfterIsTheTimeToDrainWhatIsAheadOfTheRefusedRecords() {
        assertThat(JobAdmission.retryAfterSeconds(100, TEN_PER_SECOND, 60)).isEqualTo(10);
        assertThat(JobAdmission.retryAfterSeconds(101, TEN_PER_SECOND, 60)).as("rounded up").isEqualTo(11);
        assertThat(JobAdmission.retryAfterSeconds(30, new DrainRate.Rate(1, true), 60)).isEqualTo(30);
        assertThat(JobAdmission.retryAfterSeconds(1, new DrainRate.Rate(1000, true), 60)).as("never less than a second")
                .isEqualTo(1);
        assertThat(JobAdmission.retryAfterSeconds(10_000_000, TEN_PER_SECOND, 60)).as("capped").isEqualTo(60);
        assertThat(JobAdmission.retryAfterSeconds(10_000_000, TEN_PER_SECOND, 5)).as("the cap is configured").isEqualTo(5);
        assertThat(JobAdmission.retryAfterSeconds(100, new DrainRate.Rate(0, false), 60))
                .as("nothing measured yet: ask again soon").isEqualTo(1);
    }

    @Test
    void theDrainRateIsWhatFinishedAfterTheWindowsFirstSampleOverTheTimeSince() {
        // 5 samples of 100 over 4 s: the first one's records finished before the measured span began
        DrainRate.Rate r = DrainRate.rate(5, 500, 100, 4.0);
        assertThat(r.measured()).isTrue();
        assertThat(r.perSecond()).isEqualTo(100.0);
        assertThat(DrainRate.rate(1, 100, 100, 4.0).measured()).as("one sample is no rate").isFalse();
        assertThat(DrainRate.rate(0, 0, 0, 0).measured()).isFalse();
        assertThat(DrainRate.rate(3, 300, 100, 0.5).measured()).as("too short a span").isFalse();
    }

    @Test
    void theQuotaHeadersFollowTheIetfDraft() {
        JobAdmission.Quota q = new JobAdmission.Quota(100_000, 42_000, null);
        assertThat(q.headers()).containsEntry("RateLimit-Policy", "\"queued-records\";q=100000")
                .containsEntry("RateLimit", "\"queued-records\";r=42000");
        assertThat(new JobAdmission.Quota(10, -5, 7L).headers()).containsEntry("RateLimit", "\"queued-records\";r=0;t=7");
    }
}
