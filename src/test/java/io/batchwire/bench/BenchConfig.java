package io.batchwire.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one benchmark run does, read from {@code bench.*} properties; a missing or blank value takes the default.
 * An unknown {@code bench.*} key is an error, so a typo never silently runs the default workload.
 *
 * @param warmupJobs jobs run (and awaited) before the measured ones, not counted
 * @param latency upstream latency: {@code 100} (fixed ms), {@code uniform:50-150} or {@code exp:100} (mean ms)
 * @param timeout how long to wait for every job to end; by default 5x the ideal duration plus 2 minutes
 * @param backlogAt backlog mode: the queued-record counts at which heap and RSS are sampled
 * @param probes throughput mode: how many of the jobs are submitted one at a time, after the burst of the others,
 *               into the saturated pipeline (the "submit while saturated" latency)
 * @param probeInterval time between those single submits
 * @param planJobs plan mode: the limited plan's concurrent-jobs limit
 * @param planQueuedRecords plan mode: the limited plan's queued-record limit
 * @param client throughput mode as a pipeline uses the service: every result page of every job is read as soon as
 *               the job is final, while the others run (and 8 submitters by default)
 * @param resultPage client mode: items per result page
 * @param readers client mode: how many jobs' results are read at once
 */
record BenchConfig(Mode mode, int jobs, int warmupJobs, int records, int submitters, String latency, double errorRate, int limit,
                   String heap, int maxAttempts, Duration timeout, Duration capacityTime, String db, Path outDir,
                   Path jar, List<String> serviceArgs, List<Integer> backlogAt,
                   int probes, Duration probeInterval, int replicas, Duration eventInterval, List<String> scaleEvents,
                   int rejectAbove, boolean adaptive, int planJobs, int planQueuedRecords, boolean client, int resultPage,
                   int readers) {

    enum Mode { THROUGHPUT, BACKLOG, SCALE, PLAN }

    private static final Set<String> KEYS = Set.of("mode", "jobs", "records", "submitters", "latency", "error-rate",
            "limit", "heap", "max-attempts", "timeout", "capacity-seconds", "db", "out", "jar", "service-args",
            "backlog-at", "warmup-jobs", "probes", "probe-interval-ms", "replicas", "event-seconds", "scale-events",
            "reject-above", "adaptive", "plan-jobs", "plan-queued-records", "client", "result-page", "readers");

    static BenchConfig fromSystemProperties() {
        Map<String, String> p = new HashMap<>();
        System.getProperties().forEach((k, v) -> {
            if (k.toString().startsWith("bench.")) {
                p.put(k.toString().substring("bench.".length()), v.toString());
            }
        });
        return from(p);
    }

    /** Keys without the {@code bench.} prefix, e.g. {@code jobs -> 3}. */
    static BenchConfig from(Map<String, String> properties) {
        Map<String, String> p = new HashMap<>();
        properties.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                p.put(k, v.trim());
            }
        });
        Set<String> unknown = new HashSet<>(p.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown benchmark properties " + unknown + "; known: bench." + String.join(", bench.", KEYS));
        }
        Mode mode = Mode.valueOf(p.getOrDefault("mode", "throughput").toUpperCase());
        boolean backlog = mode == Mode.BACKLOG;
        boolean scale = mode == Mode.SCALE;
        boolean plan = mode == Mode.PLAN;
        int jobs = integer(p, "jobs", scale || plan ? 40 : 100);
        int records = integer(p, "records", 1000);
        String latency = p.getOrDefault("latency", backlog ? "1000" : "100");
        MockUpstream.latency(latency); // fail early on a bad spec
        int limit = integer(p, "limit", backlog ? 10 : scale ? 64 : 200);
        double errorRate = Double.parseDouble(p.getOrDefault("error-rate", "0"));
        if (errorRate < 0 || errorRate > 1) {
            throw new IllegalArgumentException("bench.error-rate must be within 0..1, was " + errorRate);
        }
        double idealSeconds = (double) jobs * records * MockUpstream.meanLatencyMs(latency) / limit / 1000;
        Duration timeout = p.containsKey("timeout") ? Duration.ofSeconds(Long.parseLong(p.get("timeout")))
                : Duration.ofSeconds(120 + (long) (5 * idealSeconds));
        List<String> serviceArgs = p.containsKey("service-args") ? List.of(p.get("service-args").split("\\s+")) : List.of();
        List<Integer> backlogAt = Arrays.stream(p.getOrDefault("backlog-at", "10000,100000").split(","))
                .map(String::trim).map(Integer::parseInt).sorted().toList();
        int warmupJobs = p.containsKey("warmup-jobs") ? Integer.parseInt(p.get("warmup-jobs")) : 0;
        List<String> events = Arrays.stream(p.getOrDefault("scale-events", "leave,join,kill,join").split(","))
                .map(String::trim).toList();
        if (!Set.of("leave", "kill", "join").containsAll(events)) {
            throw new IllegalArgumentException("bench.scale-events takes leave, kill and join, was " + events);
        }
        boolean client = Boolean.parseBoolean(p.getOrDefault("client", "false"));
        return new BenchConfig(mode, jobs, warmupJobs, records, integer(p, "submitters", plan || client ? 8 : 4), latency,
                errorRate, limit,
                p.getOrDefault("heap", "512m"), integer(p, "max-attempts", 4), timeout,
                Duration.ofMillis((long) (1000 * Double.parseDouble(p.getOrDefault("capacity-seconds", "3")))),
                p.getOrDefault("db", "batchwire_bench"), Path.of(p.getOrDefault("out", "target/bench")),
                Path.of(p.getOrDefault("jar", "target/quarkus-app/quarkus-run.jar")), serviceArgs, backlogAt,
                Math.max(0, Math.min(Integer.parseInt(p.getOrDefault("probes", "10")), jobs - 1)),
                Duration.ofMillis(integer(p, "probe-interval-ms", 250)), integer(p, "replicas", 3),
                Duration.ofSeconds(integer(p, "event-seconds", 5)), events,
                p.containsKey("reject-above") ? integer(p, "reject-above", 1) : 0,
                Boolean.parseBoolean(p.getOrDefault("adaptive", "false")), integer(p, "plan-jobs", 10),
                integer(p, "plan-queued-records", 20 * records), client, integer(p, "result-page", 100),
                integer(p, "readers", 2));
    }

    long totalRecords() {
        return (long) jobs * records;
    }

    private static int integer(Map<String, String> p, String key, int dflt) {
        int v = p.containsKey(key) ? Integer.parseInt(p.get(key)) : dflt;
        if (v < 1) {
            throw new IllegalArgumentException("bench." + key + " must be at least 1, was " + v);
        }
        return v;
    }
}
