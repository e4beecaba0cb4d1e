package io.batchwire.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchwire.testing.Cluster;
import io.batchwire.testing.HostilePeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged service against peers that answer as attackers would, with the prod outbound policy (no loopback;
 * only the peer's address, 127.0.0.2, allowed by range): a gzip-bomb upstream, an upstream and a webhook receiver that
 * trickle bytes forever, a webhook and a result-push receiver that answer 50 MB, and {@code http} records aimed at
 * loopback and the metadata address. Each attempt fails with its reason, the heap after GC does not grow (through the
 * JVM's memory pools, as {@code /q/metrics} reports them), and ordinary work in between finishes as if nothing happened.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostilePeersIT {

    /** Heap after GC may grow this much over the whole run: caches warming up, not answers kept. */
    private static final double HEAP_MARGIN_MIB = 40;
    private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");

    private static HostilePeer peer;
    private static Cluster cluster;
    private static double heapBefore;

    @BeforeAll
    static void start() throws Exception {
        peer = new HostilePeer("127.0.0.2");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("batchwire.outbound.allow-loopback", "false");
        p.put("batchwire.outbound.allowed-addresses", "127.0.0.2/32");
        p.put("batchwire.upstreams.company.url", peer.url("/bomb/c?domain={domain}"));
        p.put("batchwire.upstreams.company.max-attempts", "2");
        p.put("batchwire.upstreams.people.url", peer.url("/trickle/p?email={email}"));
        p.put("batchwire.upstreams.people.timeout", "2s");
        p.put("batchwire.upstreams.people.max-attempts", "1");
        p.put("batchwire.upstreams.email.url", peer.url("/ok/e"));
        p.put("batchwire.upstreams.email.method", "POST");
        p.put("batchwire.deliveries.webhook-timeout", "2s");
        p.put("batchwire.deliveries.push-timeout", "3s");
        p.put("batchwire.deliveries.retry-schedule", "1s");
        cluster = Cluster.start("batchwire_it_hostile", false, p);
        cluster.startReplica("a");
        // warm up every path once, then take the heap after GC as the baseline
        awaitFinal(cluster.submit("a", job("email", emails("warm", 50))), Duration.ofSeconds(60));
        round();
        heapBefore = cluster.replica("a").heapAfterGcMiB();
        assertThat(heapBefore).as("heap after GC readable").isPositive();
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (peer != null) {
            peer.close();
        }
    }

    private static Map<String, Object> job(String type, List<Map<String, Object>> records) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("type", type);
        j.put("records", records);
        return j;
    }

    private static List<Map<String, Object>> emails(String tag, int n) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Map.of("email", tag + "-" + i + "@example.com"));
        }
        return out;
    }

    private static JsonNode awaitFinal(UUID id, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(250))
                .until(() -> FINAL.contains(cluster.get("a", "/v1/jobs/" + id).path("state").asText()));
        return uncheckedGet("/v1/jobs/" + id);
    }

    private static JsonNode uncheckedGet(String path) {
        try {
            return cluster.get("a", path);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every record's error code, by index. */
    private static List<String> errorCodes(UUID id) {
        List<String> codes = new ArrayList<>();
        for (JsonNode item : uncheckedGet("/v1/jobs/" + id + "/results?limit=1000").path("items")) {
            codes.add(item.path("error").path("code").asText(null));
        }
        return codes;
    }

    /** The delivery of {@code kind} once it is final. */
    private static JsonNode awaitDelivery(UUID job, String kind) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            for (JsonNode d : cluster.get("a", "/v1/jobs/" + job + "/deliveries").path("items")) {
                if (d.path("kind").asText().equals(kind) && !d.path("state").asText().equals("pending")) {
                    found[0] = d;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** One round of everything hostile at once. */
    private static void round() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        List<Map<String, Object>> bombs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            bombs.add(Map.of("domain", "bomb-" + tag + "-" + i + ".example.com"));
        }
        UUID bomb = cluster.submit("a", job("company", bombs));
        UUID trickle = cluster.submit("a", job("people", emails("trickle-" + tag, 4)));
        Map<String, Object> hooked = job("email", emails("hooked-" + tag, 2));
        hooked.put("webhook_url", peer.url("/huge/hook"));
        hooked.put("result_url", peer.url("/huge/push"));
        UUID huge = cluster.submit("a", hooked);
        for (UUID id : List.of(bomb, trickle, huge)) {
            awaitFinal(id, Duration.ofSeconds(60));
        }
        awaitDelivery(huge, "webhook");
        awaitDelivery(huge, "push");
    }

    @Test
    @Order(1)
    void aGzipBombFailsEachRecordAsTooLargeAfterAtMostTheCapInflated() throws Exception {
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            records.add(Map.of("domain", "bomb-" + i + ".example.com"));
        }
        UUID id = cluster.submit("a", job("company", records));
        JsonNode done = awaitFinal(id, Duration.ofSeconds(90));
        assertThat(done.path("counts").path("failed").asInt()).isEqualTo(40);
        assertThat(errorCodes(id)).hasSize(40).containsOnly("response_too_large");
        // not worth retrying: the same URL answers the same bomb
        assertThat(uncheckedGet("/v1/jobs/" + id + "/results?limit=1").path("items").get(0).path("attempts").asInt()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void aTricklingUpstreamIsCutAtItsDeadlineAndItsConnectionsClosed() throws Exception {
        UUID id = cluster.submit("a", job("people", emails("trickle", 6)));
        JsonNode done = awaitFinal(id, Duration.ofSeconds(60));
        assertThat(done.path("counts").path("timed_out").asInt()).isEqualTo(6);
        assertThat(errorCodes(id)).containsOnly("deadline_exceeded");
        // every connection the service opened to the trickler is gone: it was reset, not left to trickle on
        await().atMost(Duration.ofSeconds(20)).until(() -> peer.unfinishedAnswers() == 0);
    }

    @Test
    @Order(3)
    void receiversThatTrickleOrAnswer50MbFailTheAttemptWithTheReasonInTheLog() throws Exception {
        Map<String, Object> trickled = job("email", emails("trickled-hook", 1));
        trickled.put("webhook_url", peer.url("/trickle/hook"));
        UUID t = cluster.submit("a", trickled);
        Map<String, Object> huge = job("email", emails("huge-hook", 1));
        huge.put("webhook_url", peer.url("/huge/hook"));
        huge.put("result_url", peer.url("/huge/push"));
        UUID h = cluster.submit("a", huge);
        assertThat(awaitFinal(t, Duration.ofSeconds(60)).path("counts").path("succeeded").asInt()).isEqualTo(1);
        assertThat(awaitFinal(h, Duration.ofSeconds(60)).path("counts").path("succeeded").asInt()).isEqualTo(1);

        JsonNode slow = awaitDelivery(t, "webhook");
        assertThat(slow.path("state").asText()).isEqualTo("failed");
        assertThat(slow.path("attempts").asInt()).isEqualTo(2);
        assertThat(slow.path("last_error").asText()).startsWith("deadline_exceeded");
        JsonNode big = awaitDelivery(h, "webhook");
        assertThat(big.path("state").asText()).isEqualTo("failed");
        assertThat(big.path("last_error").asText()).startsWith("response_too_large");
        for (JsonNode a : big.path("attempt_log")) {
            assertThat(a.path("error").asText()).startsWith("response_too_large");
        }
        JsonNode push = awaitDelivery(h, "push");
        assertThat(push.path("state").asText()).isEqualTo("failed");
        assertThat(push.path("last_error").asText()).startsWith("response_too_large");

        // redeliver, again and again: each attempt is cut the same way
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = cluster.send("a", "POST", "/v1/jobs/" + h + "/deliveries/" + big.path("id").asText() + "/redeliver", null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            JsonNode again = awaitDelivery(h, "webhook");
            assertThat(again.path("last_error").asText()).startsWith("response_too_large");
        }
        assertThat(peer.hugeAnswersRead()).as("50 MB answers read to their end").isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> peer.unfinishedAnswers() == 0);
    }

    @Test
    @Order(4)
    void httpRecordsAimedInsideAreRefusedAndTheAllowedPeerIsCapped() throws Exception {
        for (String url : List.of("http://127.0.0.1:" + cluster.replica("a").uri("/").getPort() + "/q/metrics",
                "http://169.254.169.254/latest/meta-data/", "http://[::ffff:127.0.0.1]/", "http://[::1]/",
                "http://[64:ff9b::a9fe:a9fe]/", "http://10.0.0.1/", "http://0.0.0.0/")) {
            HttpResponse<String> r = cluster.send("a", "POST", "/v1/jobs", job("http", List.of(Map.of("url", url))));
            assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        }
        HttpResponse<String> header = cluster.send("a", "POST", "/v1/jobs", job("http", List.of(
                Map.of("url", peer.url("/ok/h"), "headers", Map.of("Host", "metadata.google.internal")))));
        assertThat(header.statusCode()).as(header.body()).isEqualTo(400);

        // a name is checked where it resolves: localhost is loopback
        UUID id = cluster.submit("a", job("http", List.of(
                Map.of("url", "http://localhost:" + cluster.replica("a").uri("/").getPort() + "/q/metrics"),
                Map.of("url", peer.url("/huge/h")),
                Map.of("url", peer.url("/ok/h")))));
        JsonNode done = awaitFinal(id, Duration.ofSeconds(60));
        assertThat(errorCodes(id)).containsExactly("refused_by_policy", "response_too_large", null);
        assertThat(done.path("counts").path("succeeded").asInt()).isEqualTo(1);
    }

    @Test
    @Order(5)
    void theHeapAfterGcDidNotGrowAndOrdinaryWorkFinishes() throws Exception {
        for (int i = 0; i < 3; i++) {
            round();
        }
        UUID ordinary = cluster.submit("a", job("email", emails("after", 200)));
        JsonNode done = awaitFinal(ordinary, Duration.ofSeconds(90));
        assertThat(done.path("state").asText()).isEqualTo("completed");
        assertThat(done.path("counts").path("succeeded").asInt()).isEqualTo(200);
        double after = cluster.replica("a").heapAfterGcMiB();
        System.out.printf("heap after GC: %.1f MiB before the hostile rounds, %.1f MiB after%n", heapBefore, after);
        assertThat(after).as("heap after GC, MiB (before: %.1f)", heapBefore).isPositive().isLessThan(heapBefore + HEAP_MARGIN_MIB);
        assertThat(peer.requests("bomb")).as("bomb requests served").isGreaterThanOrEqualTo(100);
    }
}
