package io.batchwire.upstream;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamCallerTest {

    @Test
    void retryAfterReadsSecondsAndHttpDates() {
        assertThat(UpstreamCaller.retryAfter("3")).isEqualTo(Duration.ofSeconds(3));
        assertThat(UpstreamCaller.retryAfter(" 0 ")).isEqualTo(Duration.ZERO);
        assertThat(UpstreamCaller.retryAfter(null)).isNull();
        assertThat(UpstreamCaller.retryAfter("soon")).isNull();
        assertThat(UpstreamCaller.retryAfter("-4")).isNull();
        String in10s = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(10));
        assertThat(UpstreamCaller.retryAfter(in10s)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().minusSeconds(10));
        assertThat(UpstreamCaller.retryAfter(past)).isEqualTo(Duration.ZERO);
    }
}
