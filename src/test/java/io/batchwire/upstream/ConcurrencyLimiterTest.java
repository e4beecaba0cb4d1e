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

    @Test
    void waitingTenantsGetPermitsByWeight() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(1);
        java.util.UUID a = java.util.UUID.randomUUID();
        java.util.UUID b = java.util.UUID.randomUUID();
        List<java.util.UUID> order = java.util.Collections.synchronizedList(new ArrayList<>());
        // a holder keeps the only permit while both tenants queue up
        var gate = new java.util.concurrent.CompletableFuture<Integer>();
        limiter.run(() -> Uni.createFrom().completionStage(gate)).subscribe().with(x -> { });
        List<java.util.concurrent.CompletableFuture<Integer>> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            all.add(limiter.run(a, 3, () -> Uni.createFrom().item(1).invoke(() -> order.add(a))).subscribeAsCompletionStage());
            all.add(limiter.run(b, 1, () -> Uni.createFrom().item(1).invoke(() -> order.add(b))).subscribeAsCompletionStage());
        }
        assertThat(limiter.waiting()).isEqualTo(80);
        assertThat(limiter.demand()).extracting(ConcurrencyLimiter.Demand::waiting).contains(40, 40);
        gate.complete(0);
        java.util.concurrent.CompletableFuture.allOf(all.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
        // while both wait, a gets three permits for each of b's
        List<java.util.UUID> firstForty = order.subList(0, 40);
        long ofA = firstForty.stream().filter(a::equals).count();
        assertThat(ofA).isBetween(29L, 31L);
        assertThat(order).hasSize(80);
    }

    @Test
    void theLimitMovesAndAPauseStopsStarts() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(10);
        limiter.setLimit(0);
        AtomicInteger started = new AtomicInteger();
        List<java.util.concurrent.CompletableFuture<Integer>> gates = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            var gate = new java.util.concurrent.CompletableFuture<Integer>();
            gates.add(gate);
            limiter.run(() -> {
                started.incrementAndGet();
                return Uni.createFrom().completionStage(gate);
            }).subscribe().with(x -> { });
        }
        assertThat(started.get()).as("a limit of 0 starts nothing").isZero();
        limiter.setLimit(2);
        assertThat(started.get()).isEqualTo(2);
        limiter.pause();
        limiter.setLimit(10);
        assertThat(started.get()).as("paused").isEqualTo(2);
        limiter.resume();
        assertThat(started.get()).isEqualTo(5);
        limiter.setLimit(1);
        gates.forEach(g -> g.complete(1));
        assertThat(limiter.inUse()).isZero();
        assertThat(limiter.limit()).isEqualTo(1);
        limiter.setLimit(50);
        assertThat(limiter.limit()).as("never above the configured maximum").isEqualTo(10);
    }
}
