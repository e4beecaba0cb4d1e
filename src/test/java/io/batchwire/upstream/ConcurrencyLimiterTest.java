package io.batchwire.upstream;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConcurrencyLimiterTest {

    @Test
    void neverRunsMoreThanTheLimitAndRunsEverything() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(4);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        List<Uni<Integer>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            all.add(limiter.run(() -> Uni.createFrom().item(n)
                    .invoke(() -> max.accumulateAndGet(running.incrementAndGet(), Math::max))
                    .onItem().delayIt().by(Duration.ofMillis(1))
                    .invoke(running::decrementAndGet)));
        }
        List<Integer> results = Uni.join().all(all).andFailFast().runSubscriptionOn(Infrastructure.getDefaultExecutor())
                .await().atMost(Duration.ofSeconds(30));
        assertThat(results).hasSize(200);
        assertThat(max.get()).isBetween(1, 4);
        assertThat(limiter.inUse()).isZero();
        assertThat(limiter.waiting()).isZero();
    }

    @Test
    void aFailureOrAThrowGivesThePermitBack() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(1);
        assertThatThrownBy(() -> limiter.run(() -> Uni.createFrom().failure(new IllegalStateException("boom")))
                .await().atMost(Duration.ofSeconds(5))).hasMessageContaining("boom");
        assertThatThrownBy(() -> limiter.<Integer>run(() -> {
            throw new IllegalArgumentException("thrown");
        }).await().atMost(Duration.ofSeconds(5))).hasMessageContaining("thrown");
        assertThat(limiter.inUse()).isZero();
        assertThat(limiter.run(() -> Uni.createFrom().item(7)).await().atMost(Duration.ofSeconds(5))).isEqualTo(7);
    }

    @Test
    void aWaiterThatGivesUpLeavesTheQueue() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(1);
        var holder = limiter.run(() -> Uni.createFrom().item(1).onItem().delayIt().by(Duration.ofMillis(300)))
                .subscribe().asCompletionStage();
        var waiter = limiter.run(() -> Uni.createFrom().item(2)).subscribe().with(x -> { });
        assertThat(limiter.waiting()).isEqualTo(1);
        waiter.cancel();
        assertThat(limiter.waiting()).isZero();
        assertThat(holder.toCompletableFuture().join()).isEqualTo(1);
        assertThat(limiter.inUse()).isZero();
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> new ConcurrencyLimiter(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
