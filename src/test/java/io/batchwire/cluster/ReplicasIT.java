package io.batchwire.cluster;

import io.batchwire.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two packaged service processes in one consumer group, a 100 ms upstream that counts the calls for every record,
 * and one replica leaving mid-run: gracefully (SIGTERM) it causes no duplicate call at all; killed (SIGKILL), the
 * only records called twice are those of chunks it held with no stored outcome at the moment it died. Either way
 * every job completes with exact counts, and the replica that comes back takes its share again.
 */
class ReplicasIT {

    private static final int JOBS = 8;
    private static final int RECORDS = 300;
    /** The upstream's limit for the whole cluster. */
    private static final int CONCURRENCY = 24;

    private static Cluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = Cluster.start("batchwire_it_replicas", false, Map.of(
                "batchwire.upstreams.company.concurrency", String.valueOf(CONCURRENCY)));
        cluster.startReplicas("a", "b");
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aReplicaLeavingGracefullyCausesNoDuplicateCall() throws Exception {
        Run run = submit("graceful");
        awaitDone(run, JOBS * RECORDS / 4);

        int exit = cluster.replica("b").terminate(Duration.ofSeconds(60));
        assertThat(exit).as("replica b stops by itself on SIGTERM, within its grace").isNotEqualTo(-1);
        assertThat(cluster.replica("b").log()).content().contains("work handed back cleanly");
        long doneWhileAway = done(run);
        cluster.startReplica("b");

        awaitAllCompleted(run);
        assertThat(cluster.duplicates(run.keys)).as("records called more than once").isEmpty();
        assertThat(run.keys).allSatisfy(k -> assertThat(cluster.upstream().requests(k)).as(k).hasSize(1));
        assertThat(doneWhileAway).isLessThan(JOBS * RECORDS);
    }

    @Test
    void aKilledReplicaRepeatsOnlyWhatItHadNotFinished() throws Exception {
        Run run = submit("killed");
        awaitDone(run, JOBS * RECORDS / 4);

        UUID b = cluster.replicaId("b");
        // b may have just (re)joined the group: once it has partitions, it holds chunks of this run
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> !unfinishedIn(run, b).isEmpty());
        cluster.replica("b").kill();
        // right away, well within b's lease: what b could have sent without its outcome being stored yet
        Set<String> unfinished = unfinishedIn(run, b);
        cluster.startReplica("b");

        awaitAllCompleted(run);
        Map<String, Integer> twice = cluster.duplicates(run.keys);
        System.out.printf("killed replica: %d record(s) called twice, of %d pending in its chunks at the kill%n",
                twice.size(), unfinished.size());
        assertThat(unfinished.size()).as("b held work when it died").isPositive();
        assertThat(twice.keySet()).as("only records of b's unfinished chunks are called again").isSubsetOf(unfinished);
        assertThat(twice.values()).as("and at most once more").allSatisfy(n -> assertThat(n).isEqualTo(2));
    }

    /** One run's jobs: every record is a key of its own, answered after 100 ms. */
    private record Run(List<UUID> jobs, List<String> keys) {
    }

    private static Run submit(String name) throws Exception {
        String tag = name + "-" + UUID.randomUUID().toString().substring(0, 6);
        List<UUID> jobs = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (int j = 0; j < JOBS; j++) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                keys.add("delay-100-" + tag + "-" + j + "-" + i);
            }
            all.addAll(keys);
            jobs.add(cluster.submit(j % 2 == 0 ? "a" : "b", keys));
        }
        return new Run(jobs, all);
    }

    private static long done(Run run) throws Exception {
        return cluster.count("SELECT coalesce(sum(succeeded + failed + timed_out + cancelled), 0) FROM jobs WHERE id = ANY(?)",
                (Object) run.jobs.toArray(UUID[]::new));
    }

    private static void awaitDone(Run run, long records) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> done(run) >= records);
    }

    private static void awaitAllCompleted(Run run) throws Exception {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() ->
                cluster.count("SELECT count(*) FROM jobs WHERE id = ANY(?) AND state = 'completed'",
                        (Object) run.jobs.toArray(UUID[]::new)) == JOBS);
        assertThat(cluster.count("""
                        SELECT count(*) FROM jobs WHERE id = ANY(?) AND succeeded = total_records AND total_records = ?
                          AND failed + timed_out + cancelled = 0""", run.jobs.toArray(UUID[]::new), RECORDS))
                .as("every job completed with exact counts").isEqualTo(JOBS);
        assertThat(cluster.count("SELECT count(*) FROM job_records WHERE job_id = ANY(?) AND status = 'succeeded'",
                (Object) run.jobs.toArray(UUID[]::new))).isEqualTo((long) JOBS * RECORDS);
    }

    /** The keys of the records, in chunks {@code replica} claimed, that have no stored outcome now. */
    private static Set<String> unfinishedIn(Run run, UUID replica) throws Exception {
        Set<String> out = new HashSet<>();
        try (Connection c = cluster.jdbc(); PreparedStatement s = c.prepareStatement("""
                SELECT r.input->>'domain' FROM chunk_claims k
                JOIN job_records r ON r.job_id = k.job_id AND r.idx >= k.from_idx AND r.idx < k.from_idx + 100
                WHERE k.claimed_by = ? AND r.status = 'pending' AND r.job_id = ANY(?)""")) {
            s.setObject(1, replica);
            s.setArray(2, c.createArrayOf("uuid", run.jobs.toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
        }
        return out;
    }
}
