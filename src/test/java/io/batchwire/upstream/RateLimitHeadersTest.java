package io.batchwire.upstream;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RateLimitHeadersTest {

    private static Duration exhausted(Map<String, String> headers) {
        return RateLimitHeaders.exhausted(headers::get);
    }

    @Test
    void aUsedUpWindowPausesUntilItResets() {
        assertThat(exhausted(Map.of("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "7"))).isEqualTo(Duration.ofSeconds(7));
        assertThat(exhausted(Map.of("RateLimit-Remaining", "0", "RateLimit-Reset", "3"))).isEqualTo(Duration.ofSeconds(3));
        assertThat(exhausted(Map.of("RateLimit", "limit=100, remaining=0, reset=5"))).isEqualTo(Duration.ofSeconds(5));
        assertThat(exhausted(Map.of("RateLimit", "\"default\";r=0;t=12"))).isEqualTo(Duration.ofSeconds(12));
        long epoch = Instant.now().getEpochSecond() + 20;
        assertThat(exhausted(Map.of("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", String.valueOf(epoch))))
                .isBetween(Duration.ofSeconds(18), Duration.ofSeconds(20));
        assertThat(exhausted(Map.of("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "999999999")))
                .as("a reset beyond an hour is cut to an hour").isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aWindowWithRoomLeftOrNoHeadersIsNoPause() {
        assertThat(exhausted(Map.of("X-RateLimit-Remaining", "4", "X-RateLimit-Reset", "7"))).isNull();
        assertThat(exhausted(Map.of("RateLimit", "\"default\";r=3;t=12"))).isNull();
        assertThat(exhausted(Map.of())).isNull();
        assertThat(exhausted(Map.of("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "soon"))).isNull();
    }

    @Test
    void aPolicyGivesTheStrictestRate() {
        assertThat(RateLimitHeaders.policyRate("100;w=60")).isCloseTo(100 / 60.0, within(1e-9));
        assertThat(RateLimitHeaders.policyRate("\"default\";q=10;w=1")).isCloseTo(10, within(1e-9));
        assertThat(RateLimitHeaders.policyRate("10;w=1, 1000;w=3600")).isCloseTo(1000 / 3600.0, within(1e-9));
        assertThat(RateLimitHeaders.policyRate(null)).isZero();
        assertThat(RateLimitHeaders.policyRate("nonsense")).isZero();
    }
}
