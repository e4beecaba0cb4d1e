package io.batchwire.cluster;

import io.batchwire.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three packaged service processes and one upstream with {@code concurrency=30}: the upstream never sees more than
 * 30 requests in flight, however the work spreads over the replicas, and one replica with all the work uses all 30.
 */
class ClusterLimitsIT {

    private static final int LIMIT = 30;
    private static Cluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = Cluster.start("batchwire_it_limits", false, Map.of(
                "batchwire.upstreams.company.concurrency", String.valueOf(LIMIT)));
        cluster.startReplicas("a", "b", "c");
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theLimitHoldsForTheClusterAndOneReplicaAloneMayUseAllOfIt() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        // one chunk of 100 records: one replica has all the work. Its calls take 2 s, so the first 30 overlap however
        // slowly a cold replica on a loaded machine opens its 30 connections (at 200 ms they may not all overlap)
        cluster.upstream().resetMaxInFlight("/companies");
        List<String> one = keys(2000, "solo-" + tag, 0, 100);
        UUID solo = cluster.submit("a", one);
        awaitCompleted(List.of(solo));
        int soloMax = cluster.upstream().maxInFlight("/companies");
        assertThat(soloMax).as("in flight with all the work on one replica").isEqualTo(LIMIT);

        // then work on every replica at once
        cluster.upstream().resetMaxInFlight("/companies");
        List<UUID> jobs = new ArrayList<>();
        for (int j = 0; j < 9; j++) {
            jobs.add(cluster.submit(List.of("a", "b", "c").get(j % 3), keys(200, "spread-" + tag + "-" + j, 0, 300)));
        }
        awaitCompleted(jobs);
        int spreadMax = cluster.upstream().maxInFlight("/companies");
        long replicasThatCalled = List.of("a", "b", "c").stream().filter(r -> cluster.metric(r,
                "batchwire_upstream_record_duration_seconds_count", "upstream=\"company\"") > 0).count();
        System.out.printf("cluster limit %d: %d in flight at most with one replica busy, %d with the work on %d replicas%n",
                LIMIT, soloMax, spreadMax, replicasThatCalled);
        assertThat(replicasThatCalled).as("replicas that called the upstream").isEqualTo(3);
        assertThat(spreadMax).as("in flight across the cluster").isBetween(LIMIT - 5, LIMIT);
        assertThat(cluster.duplicates(keys(200, "spread-" + tag + "-0", 0, 300))).isEmpty();
    }

    private static List<String> keys(int delayMs, String prefix, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add("delay-" + delayMs + "-" + prefix + "-" + i);
        }
        return out;
    }

    private static void awaitCompleted(List<UUID> jobs) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).until(() ->
                cluster.count("SELECT count(*) FROM jobs WHERE id = ANY(?) AND state = 'completed' AND succeeded = total_records",
                        (Object) jobs.toArray(UUID[]::new)) == jobs.size());
    }
}
