package io.batchwire.bench;

import io.batchwire.bench.Workload.Done;
import io.batchwire.bench.Workload.Submit;
import io.batchwire.testing.ServiceProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static io.batchwire.bench.Benchmark.log;

/**
 * Scale mode ({@code -Dbench.mode=scale}): the same workload twice, first on one replica, then on
 * {@code bench.replicas} replicas while a scale event happens every {@code bench.event-seconds} (in the order of
 * {@code bench.scale-events}: {@code leave} = SIGTERM a replica, {@code kill} = SIGKILL one, {@code join} = start a
 * stopped one again). The first replica takes the submits and the polls and is never touched. The mock counts the
 * calls for every record, so the report says how many records were called more than once.
 */
final class ScaleRun {

    private final BenchConfig c;
    private final Report report;
    private final MockUpstream mock;
    private final Map<String, String> properties;
    private final Workload workload;
    private final Path outDir;
    private final String stamp;
    private final List<ServiceProcess> running = new ArrayList<>();
    private final List<Integer> stopped = new ArrayList<>();
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final long t0 = System.nanoTime();

    ScaleRun(BenchConfig c, Report report, MockUpstream mock, Map<String, String> properties, Workload workload,
             Path outDir, String stamp) {
        this.c = c;
        this.report = report;
        this.mock = mock;
        this.properties = properties;
        this.workload = workload;
        this.outDir = outDir;
        this.stamp = stamp;
    }

    /** Runs both phases with {@code first} as the replica that is never touched; stops every replica it started. */
    void run(ServiceProcess first) throws Exception {
        mock.countPerDomain();
        try {
            log("scale: " + c.jobs() + " jobs on one replica");
            Phase one = phase(0, null);
            row("1 replica: records/s", "%,.1f   (%,d records in %.1f s)", one.perSecond, one.records, one.seconds);
            row("  upstream calls per record", "%.4f   (%s)", one.callsPerRecord, one.timesAsked);
            log("scale: starting " + (c.replicas() - 1) + " more replica(s)");
            running.add(first);
            indexes.put(first, 0);
            for (int i = 1; i < c.replicas(); i++) {
                running.add(start(i));
            }
            log("scale: " + c.jobs() + " jobs on " + c.replicas() + " replicas, an event every " + c.eventInterval().toSeconds()
                    + " s: " + c.scaleEvents());
            Phase many = phase(c.jobs(), first);
            row(c.replicas() + " replicas with events: records/s", "%,.1f   (%,d records in %.1f s; %.0f %% of one replica)",
                    many.perSecond, many.records, many.seconds, 100 * many.perSecond / Math.max(1e-9, one.perSecond));
            row("  upstream calls per record", "%.4f   (records by times called: %s)", many.callsPerRecord, many.timesAsked);
            row("  duplicate calls", "%,d   (%,d records called more than once)", many.extraCalls, many.duplicated);
            row("  scale events", "%d: %s", events.size(), events.stream().map(e -> e.get("event") + "@" + e.get("at_s") + "s")
                    .toList());
            report.put("ok", one.ok && many.ok);
            report.put("scale.one.records_per_second", one.perSecond).put("scale.one.calls_per_record", one.callsPerRecord)
                    .put("scale.one.duplicated_records", one.duplicated);
            report.put("scale.many.replicas", c.replicas()).put("scale.many.records_per_second", many.perSecond)
                    .put("scale.many.calls_per_record", many.callsPerRecord).put("scale.many.duplicated_records", many.duplicated)
                    .put("scale.many.extra_calls", many.extraCalls).put("scale.many.events", events)
                    .put("scale.many.share_of_one_replica", many.perSecond / Math.max(1e-9, one.perSecond));
        } finally {
            for (ServiceProcess p : running) {
                if (p != first) {
                    p.close();
                }
            }
        }
    }

    private void row(String label, String format, Object... args) {
        report.row(label, String.format(format, args));
    }

    private record Phase(boolean ok, long records, double seconds, double perSecond, double callsPerRecord,
                         Map<Integer, Integer> timesAsked, long duplicated, long extraCalls) {
    }

    /** Submits jobs [from, from + jobs) and waits for them; with {@code keep} set, scale events run meanwhile. */
    private Phase phase(int from, ServiceProcess keep) throws Exception {
        int to = from + c.jobs();
        long requestsBefore = mock.requests();
        long startMs = System.currentTimeMillis();
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService scaler = Executors.newSingleThreadExecutor();
        Future<?> scaling = keep == null ? null : scaler.submit(() -> scaleUntil(done, keep));
        Map<String, Done> finished;
        List<Submit> submits;
        try {
            submits = workload.submit(from, to);
            List<String> ids = submits.stream().filter(s -> s.id() != null).map(Submit::id).toList();
            finished = workload.await(ids, System.nanoTime() + c.timeout().toNanos());
        } finally {
            done.set(true);
            if (scaling != null) {
                scaling.get(3, TimeUnit.MINUTES);
            }
            scaler.shutdownNow();
        }
        long records = finished.values().stream().mapToLong(d -> d.succeeded() + d.failed() + d.timedOut() + d.cancelled()).sum();
        long last = finished.values().stream().mapToLong(d -> d.finishedAt().toInstant().toEpochMilli()).max().orElse(startMs);
        double seconds = Math.max(1e-3, (last - startMs) / 1000.0);
        Map<Integer, Integer> asked = mock.timesAsked(inJobs(from, to));
        long duplicated = asked.entrySet().stream().filter(e -> e.getKey() > 1).mapToLong(Map.Entry::getValue).sum();
        long extra = asked.entrySet().stream().filter(e -> e.getKey() > 1).mapToLong(e -> (long) (e.getKey() - 1) * e.getValue()).sum();
        boolean ok = finished.size() == c.jobs() && submits.stream().allMatch(s -> s.id() != null)
                && finished.values().stream().allMatch(d -> d.state().equals("completed") && d.succeeded() == c.records());
        return new Phase(ok, records, seconds, records / seconds, (double) (mock.requests() - requestsBefore) / Math.max(1, records),
                asked, duplicated, extra);
    }

    /** The workload's domains are {@code d-<job>-<record>.com}. */
    private static Predicate<String> inJobs(int from, int to) {
        return domain -> {
            int dash = domain.indexOf('-', 2);
            if (!domain.startsWith("d-") || dash < 0) {
                return false;
            }
            int job = Integer.parseInt(domain.substring(2, dash));
            return job >= from && job < to;
        };
    }

    private void scaleUntil(AtomicBoolean done, ServiceProcess keep) {
        int next = 0;
        int victim = 0;
        try {
            while (!done.get()) {
                if (!waitFor(done, c.eventInterval())) {
                    return;
                }
                String event = c.scaleEvents().get(next++ % c.scaleEvents().size());
                List<ServiceProcess> others = running.stream().filter(p -> p != keep).toList();
                switch (event) {
                    case "leave", "kill" -> {
                        if (others.isEmpty()) {
                            continue;
                        }
                        ServiceProcess p = others.get(victim++ % others.size());
                        int index = indexOf(p);
                        long t = System.nanoTime();
                        if (event.equals("leave")) {
                            p.terminate(Duration.ofSeconds(60));
                        } else {
                            p.kill();
                        }
                        running.remove(p);
                        stopped.add(index);
                        record(event, index, (System.nanoTime() - t) / 1_000_000);
                    }
                    case "join" -> {
                        if (stopped.isEmpty()) {
                            continue;
                        }
                        int index = stopped.removeFirst();
                        long t = System.nanoTime();
                        running.add(start(index));
                        record(event, index, (System.nanoTime() - t) / 1_000_000);
                    }
                    default -> throw new IllegalStateException(event);
                }
            }
        } catch (Exception e) {
            log("scale: events stopped: " + e);
        }
    }

    private final Map<ServiceProcess, Integer> indexes = new LinkedHashMap<>();

    private int indexOf(ServiceProcess p) {
        return indexes.getOrDefault(p, -1);
    }

    private ServiceProcess start(int index) throws Exception {
        Path log = outDir.toAbsolutePath().resolve("service-" + stamp + "-replica" + index + "-" + System.currentTimeMillis() + ".log");
        ServiceProcess p = ServiceProcess.start(c.jar(), c.heap(), properties, c.serviceArgs(), log);
        p.awaitReady(Duration.ofMinutes(3));
        indexes.put(p, index);
        return p;
    }

    private void record(String event, int replica, long tookMs) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event", event);
        e.put("replica", replica);
        e.put("at_s", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
        e.put("took_ms", tookMs);
        events.add(e);
        log("scale: " + event + " replica " + replica + " (" + tookMs + " ms)");
    }

    /** Waits {@code d}, or less if the run ends meanwhile; false if it ended. */
    private static boolean waitFor(AtomicBoolean done, Duration d) throws InterruptedException {
        long until = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < until) {
            if (done.get()) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return !done.get();
    }
}
