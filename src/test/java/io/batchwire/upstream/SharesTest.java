package io.batchwire.upstream;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SharesTest {

    private static final UUID R1 = new UUID(0, 1);
    private static final UUID R2 = new UUID(0, 2);
    private static final UUID R3 = new UUID(0, 3);
    private static final UUID A = new UUID(1, 1);
    private static final UUID B = new UUID(1, 2);

    @Test
    void aReplicaAloneGetsAllAndOneWithoutWorkNothing() {
        Map<UUID, Integer> s = Shares.of(30, Map.of(R1, List.of(new Shares.Want(A, 1, 100)), R2, List.of(), R3, List.of()));
        assertThat(s).containsEntry(R1, 30).containsEntry(R2, 0).containsEntry(R3, 0);
    }

    @Test
    void nobodyGetsMoreThanItWantsAndTheRestGoesToTheOthers() {
        Map<UUID, Integer> s = Shares.of(30, Map.of(
                R1, List.of(new Shares.Want(A, 1, 4)),
                R2, List.of(new Shares.Want(B, 1, 100))));
        assertThat(s).containsEntry(R1, 4).containsEntry(R2, 26);
    }

    @Test
    void tenantsShareByWeightWhereverTheirWorkIs() {
        // A (weight 3) and B (weight 1) both want more than there is; A's work is split over two replicas
        Map<UUID, Integer> s = Shares.of(40, Map.of(
                R1, List.of(new Shares.Want(A, 3, 100), new Shares.Want(B, 1, 100)),
                R2, List.of(new Shares.Want(A, 3, 100))));
        // A gets 30 (half on each replica, as its work is), B gets 10
        assertThat(s.get(R1)).isEqualTo(15 + 10);
        assertThat(s.get(R2)).isEqualTo(15);
        assertThat(s.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(40);
    }

    @Test
    void wholeCallsNeverAddUpToMoreThanTheLimit() {
        for (int limit = 1; limit <= 50; limit++) {
            Map<UUID, Integer> s = Shares.of(limit, Map.of(
                    R1, List.of(new Shares.Want(A, 1, 7)),
                    R2, List.of(new Shares.Want(B, 1, 7)),
                    R3, List.of(new Shares.Want(A, 1, 5), new Shares.Want(B, 1, 3))));
            int sum = s.values().stream().mapToInt(Integer::intValue).sum();
            assertThat(sum).as("limit " + limit).isEqualTo(Math.min(limit, 22));
        }
    }

    @Test
    void waterFillingIsMaxMinFairByWeight() {
        Map<UUID, Double> share = Shares.waterFill(10, Map.of(A, 1.0, B, 1.0), Map.of(A, 2.0, B, 100.0));
        assertThat(share.get(A)).isCloseTo(2, within(1e-9));
        assertThat(share.get(B)).isCloseTo(8, within(1e-9));
        share = Shares.waterFill(12, Map.of(A, 3.0, B, 1.0), Map.of(A, 100.0, B, 100.0));
        assertThat(share.get(A)).isCloseTo(9, within(1e-9));
        assertThat(share.get(B)).isCloseTo(3, within(1e-9));
    }
}
