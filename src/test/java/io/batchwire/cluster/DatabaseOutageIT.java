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
 * The database stops answering mid-run (a proxy between the service and Postgres drops every connection and refuses
 * new ones) for longer than any retry window the pipeline used to have, then comes back: readiness goes down and up
 * again, liveness stays up, no channel stops, and every job completes with exact counts and one call per record.
 */
class DatabaseOutageIT {

    private static final int JOBS = 4;
    private static final int RECORDS = 200;

    private static Cluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = Cluster.start("batchwire_it_db_outage", true, Map.of("batchwire.upstreams.company.concurrency", "16"));
        cluster.startReplica("a");
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theRunPausesWhileTheDatabaseIsAwayAndFinishesWhenItIsBack() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        List<UUID> jobs = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (int j = 0; j < JOBS; j++) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                keys.add("delay-100-outage-" + tag + "-" + j + "-" + i);
            }
            all.addAll(keys);
            jobs.add(cluster.submit("a", keys));
        }
        UUID[] ids = jobs.toArray(UUID[]::new);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.count("SELECT coalesce(sum(succeeded), 0) FROM jobs WHERE id = ANY(?)", (Object) ids) >= 100);

        cluster.dbProxy().cut();
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.status("a", "/q/health/ready") == 503);
        long start = System.nanoTime();
        // away for 40 s: longer than the chunk start's old retries (~25 s) and past the replica's lease (10 s)
        await().atMost(Duration.ofSeconds(45)).pollDelay(Duration.ofSeconds(40)).until(() -> true);
        assertThat(cluster.status("a", "/q/health/live")).as("liveness while the database is away").isEqualTo(200);
        cluster.dbProxy().restore();
        System.out.printf("database away for %d ms%n", (System.nanoTime() - start) / 1_000_000);

        await().atMost(Duration.ofSeconds(60)).until(() -> cluster.status("a", "/q/health/ready") == 200);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                cluster.count("SELECT count(*) FROM jobs WHERE id = ANY(?) AND state = 'completed'", (Object) ids) == JOBS);
        assertThat(cluster.count("SELECT count(*) FROM jobs WHERE id = ANY(?) AND succeeded = ? AND total_records = ?",
                ids, RECORDS, RECORDS)).isEqualTo(JOBS);
        assertThat(cluster.status("a", "/q/health/live")).isEqualTo(200);
        assertThat(cluster.duplicates(all)).as("records called more than once").isEmpty();
        assertThat(all).allSatisfy(k -> assertThat(cluster.upstream().requests(k)).as(k).hasSize(1));
    }
}
