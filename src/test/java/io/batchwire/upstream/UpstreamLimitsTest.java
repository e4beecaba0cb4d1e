package io.batchwire.upstream;

import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.batchwire.testing.FakeUpstream;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Limits as the upstream sees them, through the real pipeline: the adaptive limit against an upstream that refuses
 * above 20 in flight and against one that slows down with load, and two tenants of weights 3 and 1 sharing a busy
 * upstream.
 */
@QuarkusTest
class UpstreamLimitsTest {

    @Test
    void theAdaptiveLimitSettlesAtWhatTheUpstreamTakes() throws Exception {
        Api api = Api.newTenant();
        String run = UUID.randomUUID().toString().substring(0, 6);
        FakeUpstream fake = FakeUpstream.get();
        List<Integer> samples = Collections.synchronizedList(new ArrayList<>());
        long start = System.currentTimeMillis();
        List<String> jobs = new ArrayList<>();
        for (int j = 0; j < 6; j++) {
            int job = j;
            jobs.add(api.submit("capped", Api.records(1000, i -> Map.of("key", "cap-" + run + "-" + job + "-" + i))));
        }
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try {
            sampler.scheduleAtFixedRate(() -> {
                if (System.currentTimeMillis() - start >= 15_000) {
                    samples.add(fake.inFlight("/capped"));
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            api.awaitFinal(jobs.get(0), Duration.ofSeconds(90));
            // 10 s of samples after the 15 s the limit may take to settle
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> samples.size() >= 100);
        } finally {
            sampler.shutdownNow();
        }
        List<Integer> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int median = sorted.get(sorted.size() / 2);
        long within = sorted.stream().filter(n -> n >= 17 && n <= 23).count();
        List<long[]> settled = fake.answers("/capped").stream().filter(a -> a[0] - start >= 15_000).toList();
        long refused = settled.stream().filter(a -> a[1] == 429).count();
        System.out.printf("capped: median in flight %d, %d of %d samples within 20 +/- 3, 429s %d of %d answers after settling%n",
                median, within, sorted.size(), refused, settled.size());
        assertThat(median).as("in flight once settled").isBetween(17, 23);
        assertThat(within).as("samples within 20 +/- 3").isGreaterThanOrEqualTo(sorted.size() * 8L / 10);
        assertThat((double) refused / settled.size()).as("share of 429s after settling").isLessThan(0.02);
        for (String id : jobs) {
            var job = api.awaitFinal(id, Duration.ofSeconds(120));
            assertThat(job.getInt("counts.succeeded")).as("every record succeeds in the end").isEqualTo(1000);
        }
    }

    @Test
    void theAdaptiveLimitKeepsTheLatencyOfASlowingUpstreamLow() {
        Api api = Api.newTenant();
        String run = UUID.randomUUID().toString().substring(0, 6);
        List<String> jobs = new ArrayList<>();
        for (int j = 0; j < 3; j++) {
            int job = j;
            jobs.add(api.submit("loaded", Api.records(1000, i -> Map.of("key", "load-" + run + "-" + job + "-" + i))));
        }
        long start = System.currentTimeMillis();
        for (String id : jobs) {
            assertThat(api.awaitFinal(id, Duration.ofSeconds(120)).getInt("counts.succeeded")).isEqualTo(1000);
        }
        // the answers after the first 5 s (the slow start's own overshoot), by the latency the upstream gave each for
        // its load at the time (what they took adds the test JVM's timer lateness when the machine is busy)
        List<Long> took = FakeUpstream.get().answers("/loaded").stream()
                .filter(a -> a[0] - start >= 5_000).map(a -> a[3]).sorted().toList();
        long p99 = took.get((int) Math.ceil(took.size() * 0.99) - 1);
        System.out.printf("loaded: p99 %d ms over %d answers (unloaded 50 ms)%n", p99, took.size());
        assertThat(took.size()).isGreaterThan(500);
        assertThat(p99).as("p99 latency, against 50 ms unloaded").isLessThan(100);
    }

    @Test
    void tenantsShareABusyUpstreamByTheirPlansWeights() {
        Db.plan("heavy-w3", 1000, 20, 100_000, 86400, null);
        Db.planWeight("heavy-w3", 3);
        Db.plan("light-w1", 1000, 20, 100_000, 86400, null);
        Api heavy = new Api(Db.newTenant("heavy-w3"));
        Api light = new Api(Db.newTenant("light-w1"));
        String run = UUID.randomUUID().toString().substring(0, 6);
        List<String> heavyKeys = new ArrayList<>();
        List<String> lightKeys = new ArrayList<>();
        List<String> jobs = new ArrayList<>();
        for (int j = 0; j < 2; j++) {
            int job = j;
            jobs.add(heavy.submit("weighted", Api.records(200, i -> {
                String k = "delay-40-heavy-" + run + "-" + job + "-" + i;
                heavyKeys.add(k);
                return Map.of("domain", k);
            })));
            jobs.add(light.submit("weighted", Api.records(200, i -> {
                String k = "delay-40-light-" + run + "-" + job + "-" + i;
                lightKeys.add(k);
                return Map.of("domain", k);
            })));
        }
        for (int j = 0; j < jobs.size(); j++) {
            Api owner = j % 2 == 0 ? heavy : light; // submitted heavy, light, heavy, light
            assertThat(owner.awaitFinal(jobs.get(j), Duration.ofSeconds(120)).getInt("counts.succeeded")).isEqualTo(200);
        }
        // while both had work: from when both had started to when the first of them ran out
        List<Long> h = times(heavyKeys);
        List<Long> l = times(lightKeys);
        long from = Math.max(h.getFirst(), l.getFirst());
        long to = Math.min(h.getLast(), l.getLast());
        long ofHeavy = h.stream().filter(t -> t >= from && t <= to).count();
        long ofLight = l.stream().filter(t -> t >= from && t <= to).count();
        double ratio = (double) ofHeavy / ofLight;
        System.out.printf("weights 3:1: %d heavy and %d light calls while both waited, ratio %.2f%n", ofHeavy, ofLight, ratio);
        assertThat(ofLight).isGreaterThan(30);
        assertThat(ratio).as("calls of the weight-3 tenant per call of the weight-1 tenant").isBetween(2.7, 3.3);
    }

    private static List<Long> times(List<String> keys) {
        List<Long> out = new ArrayList<>();
        keys.forEach(k -> out.addAll(FakeUpstream.get().requests(k)));
        Collections.sort(out);
        return out;
    }

    @Test
    void aPeerReplicasWantsAreReadAndItsShareIsLeftToIt() {
        // another replica, as its renewal would have written it: one tenant of weight 1 waiting for 100 calls
        UUID peer = UUID.randomUUID();
        String wants = "[{\"tenant\":\"" + UUID.randomUUID() + "\",\"weight\":1.0,\"wanted\":100}]";
        Db.exec("INSERT INTO upstream_slices (upstream, replica_id, wants, granted, in_flight, adaptive_limit, lease_until) "
                + "VALUES ('shared', ?, ?::jsonb, 0, 0, NULL, now() + interval '10 minutes')", peer, wants);
        try {
            Api api = Api.newTenant();
            String run = UUID.randomUUID().toString().substring(0, 6);
            String id = api.submit("shared", Api.records(120, i -> Map.of("key", "delay-200-" + run + "-" + i)));
            List<Long> granted = new ArrayList<>();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                granted.add(Db.count("SELECT coalesce(max(granted), 0) FROM upstream_slices WHERE upstream = 'shared' "
                        + "AND replica_id <> ? AND lease_until > now()", peer));
                return api.job(id).getString("state").equals("completed");
            });
            // both want all 8: weight 1 each, so half is this replica's
            assertThat(granted).as("this replica's slice while the peer wants its share").contains(4L)
                    .allMatch(g -> g <= 4);
            assertThat(Db.count("SELECT count(*) FROM upstream_slices WHERE upstream = 'shared' AND jsonb_typeof(wants) <> 'array'"))
                    .as("wants are stored as JSON arrays").isZero();
            assertThat(api.awaitFinal(id, Duration.ofSeconds(10)).getInt("counts.succeeded")).isEqualTo(120);
        } finally {
            Db.exec("DELETE FROM upstream_slices WHERE replica_id = ?", peer);
        }
    }
}
