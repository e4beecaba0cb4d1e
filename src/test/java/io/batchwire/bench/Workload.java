package io.batchwire.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client side: submitters POST jobs of {@code {"domain": "d-<job>-<i>.com"}} records to {@code /v1/jobs}, each
 * timing its own requests; then {@link #await} polls {@code GET /v1/jobs/{id}} until every job is final.
 */
final class Workload {

    /**
     * One submit: when it started (epoch ms), how long its last attempt took, the job id (null when it was refused for
     * good), how often it was refused with 429 and waited the Retry-After it was told, and the state it was accepted in.
     */
    record Submit(int job, long startedAtMs, long latencyNanos, String id, String error, int refusals, long waitedMs,
                  String state) {
    }

    /** A job's final status body, as far as the benchmark needs it. */
    record Done(String id, String state, OffsetDateTime createdAt, OffsetDateTime finishedAt, int succeeded, int failed,
                int timedOut, int cancelled) {
        long completionMs() {
            return Duration.between(createdAt, finishedAt).toMillis();
        }
    }

    /** Polls look at the outstanding jobs oldest first and stop a round at this many unfinished ones. */
    private static final int POLL_WINDOW = 4;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long one submit keeps trying again after 429s before it gives up. */
    private static final Duration MAX_RETRYING = Duration.ofMinutes(10);

    private final URI jobs;
    private final String apiKey;
    private final int records;
    private final int submitters;

    Workload(URI jobs, String apiKey, int records, int submitters) {
        this.jobs = jobs;
        this.apiKey = apiKey;
        this.records = records;
        this.submitters = submitters;
    }

    /**
     * Puts tenant {@code tenant} on a plan {@code bench} that admits the whole workload ({@code jobs} unfinished jobs of
     * {@code records} records), through the admin API: the built-in plans cap unfinished jobs below 100.
     */
    static void grantPlan(URI base, String adminKey, String tenant, int records, int jobs) throws Exception {
        putPlan(base, adminKey, tenant, "bench", records, jobs, Math.min(Integer.MAX_VALUE, (long) records * jobs));
    }

    /** Puts tenant {@code tenant} on plan {@code name} (created or changed) with these limits, through the admin API. */
    static void putPlan(URI base, String adminKey, String tenant, String name, int records, int concurrentJobs,
                        long queuedRecords) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        admin(http, base, adminKey, "PUT", "/admin/v1/plans/" + name, JSON.createObjectNode().put("name", name)
                .put("max_records_per_job", records).put("max_concurrent_jobs", concurrentJobs)
                .put("max_queued_records", queuedRecords).put("retention_seconds", 86400).toString());
        String id = null;
        for (JsonNode t : JSON.readTree(admin(http, base, adminKey, "GET", "/admin/v1/tenants", null))) {
            if (t.path("name").asText().equals(tenant)) {
                id = t.path("id").asText();
            }
        }
        if (id == null) {
            throw new IllegalStateException("the service has no tenant '" + tenant + "'");
        }
        admin(http, base, adminKey, "PATCH", "/admin/v1/tenants/" + id, "{\"plan\":\"" + name + "\"}");
    }

    private static String admin(HttpClient http, URI base, String key, String method, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("X-Admin-Key", key).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** Submits jobs {@code from..to-1} from {@code submitters} concurrent clients; returns them in job order. */
    List<Submit> submit(int from, int to) throws Exception {
        AtomicInteger next = new AtomicInteger(from);
        List<Submit> done = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(submitters)) {
            List<Future<?>> running = new ArrayList<>();
            for (int s = 0; s < submitters; s++) {
                running.add(pool.submit(() -> {
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(10)).build();
                    for (int job = next.getAndIncrement(); job < to; job = next.getAndIncrement()) {
                        done.add(submitOne(http, job));
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        }
        List<Submit> sorted = new ArrayList<>(done);
        sorted.sort(Comparator.comparingInt(Submit::job));
        return sorted;
    }

    /**
     * Submits jobs {@code from..to-1} one at a time from one client, one every {@code interval} (or right after the
     * previous answer, if that took longer: a fixed-rate schedule on one thread never overlaps): single submits into
     * a busy pipeline, not a burst competing with itself.
     */
    List<Submit> paced(int from, int to, Duration interval) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        List<Submit> out = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger(from);
        CompletableFuture<Void> done = new CompletableFuture<>();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            timer.scheduleAtFixedRate(() -> {
                int job = next.getAndIncrement();
                if (job >= to) {
                    done.complete(null);
                    return;
                }
                try {
                    out.add(submitOne(http, job));
                } catch (RuntimeException e) {
                    done.completeExceptionally(e); // a failing task would silently end the schedule
                }
            }, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
            done.get();
        } finally {
            timer.shutdownNow();
        }
        return new ArrayList<>(out);
    }

    private Submit submitOne(HttpClient http, int job) {
        StringBuilder body = new StringBuilder(records * 30 + 40).append("{\"type\":\"company\",\"records\":[");
        for (int i = 0; i < records; i++) {
            body.append(i == 0 ? "" : ",").append("{\"domain\":\"d-").append(job).append('-').append(i).append(".com\"}");
        }
        HttpRequest request = HttpRequest.newBuilder(jobs).timeout(Duration.ofSeconds(60))
                .header("X-API-Key", apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.append("]}").toString())).build();
        long startedAt = System.currentTimeMillis();
        int refusals = 0;
        long waitedMs = 0;
        while (true) {
            long t0 = System.nanoTime();
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                long latency = System.nanoTime() - t0;
                var retryAfter = r.headers().firstValue("Retry-After");
                if (r.statusCode() == 429 && retryAfter.isPresent()
                        && System.currentTimeMillis() - startedAt < MAX_RETRYING.toMillis()) {
                    // a client that does as it is told: wait what the service says, then submit again
                    long waitMs = 1000L * Long.parseLong(retryAfter.get().trim());
                    refusals++;
                    waitedMs += waitMs;
                    Thread.sleep(waitMs);
                    continue;
                }
                if (r.statusCode() != 202) {
                    return new Submit(job, startedAt, latency, null, "HTTP " + r.statusCode() + ": " + r.body(), refusals,
                            waitedMs, null);
                }
                JsonNode status = JSON.readTree(r.body());
                return new Submit(job, startedAt, latency, status.path("id").asText(), null, refusals, waitedMs,
                        status.path("state").asText());
            } catch (IOException | InterruptedException e) {
                return new Submit(job, startedAt, System.nanoTime() - t0, null, e.toString(), refusals, waitedMs, null);
            }
        }
    }

    /**
     * Polls until every job is final or the deadline (nanoTime) passes; returns the final ones by id. Rounds look at
     * the oldest outstanding jobs only (they end roughly in order), so polling adds little load to the service;
     * the figures come from the jobs' own timestamps, so when a poll notices the end does not matter.
     */
    Map<String, Done> await(List<String> ids, long deadline) throws Exception {
        return await(ids, deadline, d -> { });
    }

    /** As {@link #await(List, long)}, handing each job to {@code onFinal} as soon as it is seen final. */
    Map<String, Done> await(List<String> ids, long deadline, java.util.function.Consumer<Done> onFinal) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> outstanding = new ArrayList<>(ids);
        Map<String, Done> done = new LinkedHashMap<>();
        long left = deadline - System.nanoTime();
        try {
            Awaitility.await().atMost(Duration.ofNanos(Math.max(1, left))).pollInterval(POLL_INTERVAL)
                    .until(() -> {
                        int unfinished = 0;
                        for (Iterator<String> it = outstanding.iterator(); it.hasNext() && unfinished < POLL_WINDOW; ) {
                            String id = it.next();
                            Done d = status(http, id);
                            if (d != null) {
                                done.put(id, d);
                                it.remove();
                                onFinal.accept(d);
                            } else {
                                unfinished++;
                            }
                        }
                        return outstanding.isEmpty();
                    });
        } catch (ConditionTimeoutException timedOut) {
            // the caller reports the jobs that did not end in time
        }
        return done;
    }

    /** The job's status if it is final, else null. */
    private Done status(HttpClient http, String id) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(jobs + "/" + id)).timeout(Duration.ofSeconds(30))
                .header("X-API-Key", apiKey).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /v1/jobs/" + id + " answered " + r.statusCode() + ": " + r.body());
        }
        JsonNode s = JSON.readTree(r.body());
        String state = s.path("state").asText();
        if (!state.equals("completed") && !state.equals("failed") && !state.equals("cancelled")) {
            return null;
        }
        JsonNode c = s.path("counts");
        return new Done(id, state, OffsetDateTime.parse(s.path("created_at").asText()),
                OffsetDateTime.parse(s.path("finished_at").asText()), c.path("succeeded").asInt(), c.path("failed").asInt(),
                c.path("timed_out").asInt(), c.path("cancelled").asInt());
    }

    /** One job's results read back whole: items and pages read, how long it took, and what went wrong if anything. */
    record Read(String id, int items, int pages, long nanos, long bytes, String error, long endedAtMs) {
    }

    /**
     * Reads every result page of job {@code id}, {@code pageSize} items a page, following {@code cursor_next} until a
     * page says {@code has_more=false}, as a client that stores the results elsewhere does.
     */
    Read readAll(HttpClient http, String id, int pageSize) {
        long t0 = System.nanoTime();
        int items = 0;
        int pages = 0;
        long bytes = 0;
        String cursor = null;
        try {
            while (true) {
                String q = "/results?limit=" + pageSize + (cursor == null ? "" : "&cursor=" + cursor);
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(jobs + "/" + id + q))
                        .timeout(Duration.ofSeconds(30)).header("X-API-Key", apiKey).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    return new Read(id, items, pages, System.nanoTime() - t0, bytes, "HTTP " + r.statusCode() + ": " + r.body(),
                            System.currentTimeMillis());
                }
                pages++;
                bytes += r.body().length();
                JsonNode page = JSON.readTree(r.body());
                items += page.path("items").size();
                if (!page.path("has_more").asBoolean()) {
                    return new Read(id, items, pages, System.nanoTime() - t0, bytes, null, System.currentTimeMillis());
                }
                cursor = java.net.URLEncoder.encode(page.path("cursor_next").asText(), java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (IOException | InterruptedException e) {
            return new Read(id, items, pages, System.nanoTime() - t0, bytes, e.toString(), System.currentTimeMillis());
        }
    }

    /** Reads whole jobs' results on {@code readers} threads, in the order they are handed over. */
    final class Reader implements AutoCloseable {
        private final ExecutorService pool;
        private final int pageSize;
        private final List<Future<Read>> reads = Collections.synchronizedList(new ArrayList<>());
        private final ThreadLocal<HttpClient> http = ThreadLocal.withInitial(() -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build());

        Reader(int readers, int pageSize) {
            this.pool = Executors.newFixedThreadPool(readers);
            this.pageSize = pageSize;
        }

        void read(Done job) {
            reads.add(pool.submit(() -> readAll(http.get(), job.id(), pageSize)));
        }

        /** Every read handed over, once done (waits until {@code deadline}, nanoTime). */
        List<Read> finish(long deadline) throws Exception {
            List<Read> out = new ArrayList<>();
            for (Future<Read> f : new ArrayList<>(reads)) {
                out.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return out;
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }
}
