package io.batchwire.bench;

import io.batchwire.bench.BenchConfig.Mode;
import io.batchwire.bench.MockUpstream.Drive;
import io.batchwire.bench.Workload.Done;
import io.batchwire.bench.Workload.Submit;
import io.batchwire.testing.Infra;
import io.batchwire.testing.Proc;
import io.batchwire.testing.Proc.Cpu;
import io.batchwire.testing.ServiceProcess;

import org.awaitility.Awaitility;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.batchwire.bench.Report.f0;
import static io.batchwire.bench.Report.f1;
import static io.batchwire.bench.Report.percentile;

/**
 * End-to-end benchmark of Batchwire against its physical limit (issue 3; DESIGN.md, Performance). Not a test: it
 * prints one table and writes the same figures to {@code target/bench/bench-<timestamp>.json}.
 *
 * <h2>Run</h2>
 * <pre>
 * export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
 * ./mvnw -Pbench verify                                    # defaults: 100 jobs x 1000 records, 100 ms, limit 200
 * ./mvnw -Pbench verify -Dbench.latency=0                  # zero-latency upstream
 * ./mvnw -Pbench verify -Dbench.latency=uniform:50-150 -Dbench.error-rate=0.01
 * ./mvnw -Pbench verify -Dbench.mode=backlog               # 100k records queued behind 1 s x limit 10
 * ./mvnw -Pbench verify -Dbench.mode=scale                 # 1 replica, then 3 with a scale event every 5 s
 * ./mvnw -Pbench verify -Dbench.mode=plan -Dbench.jobs=40  # unlimited plan, then 10 concurrent jobs (Retry-After)
 * ./mvnw -Pbench verify -Dbench.service-args="-XX:StartFlightRecording=filename=target/bench/service.jfr,settings=profile"
 * </pre>
 * The {@code bench} profile packages the service (tests are skipped unless {@code -DskipTests=false}), then runs
 * this class in a JVM of its own (exec-maven-plugin). {@code ./mvnw verify} runs a small run as
 * {@code BenchmarkSmokeIT}.
 *
 * <h2>What one run does</h2>
 * Creates a fresh database ({@code bench.db}, owned by role {@code batchwire}), starts a Kafka broker with
 * {@code kafka/kafka.sh} on free ports and a temporary data dir, starts {@link MockUpstream} on loopback and the
 * packaged service ({@code target/quarkus-app/quarkus-run.jar}) in its own JVM in prod mode, waits for
 * {@code /q/health/ready}, and puts the seeded tenant {@code bench} on a plan {@code bench} sized to the workload
 * (admin API). Throughput mode then measures the mock's capacity ({@code /ping}, zero latency, in rounds
 * until the rate stops rising, which also warms up the client) and the
 * limit (the same mock driven by a bare Vert.x Web Client at concurrency = limit for jobs x records requests), then
 * submits the jobs and polls them until all are final. Backlog mode submits jobs until {@code bench.backlog-at}
 * records are queued and samples heap after GC and RSS at each point. Everything is stopped at the end, on failure
 * and on Ctrl-C (shutdown hook); the broker's data dir is deleted, the database and the service log are kept.
 *
 * <h2>Properties</h2> (defaults in brackets; blank = default)
 * <ul>
 *   <li>{@code bench.mode} [throughput], backlog, scale ({@link ScaleRun}) or plan ({@link PlanRun})</li>
 *   <li>plan mode: {@code bench.plan-jobs} the limited plan's concurrent jobs [10], {@code bench.plan-queued-records}
 *       its queued-record limit [20 x records]; defaults jobs 40, submitters 8</li>
 *   <li>scale mode: {@code bench.replicas} [3], {@code bench.event-seconds} between scale events [5],
 *       {@code bench.scale-events} in order, repeated [leave,join,kill,join]; defaults jobs 40, limit 64</li>
 *   <li>{@code bench.client} throughput mode as a pipeline uses the service: every result page of every job read back
 *       as soon as it is final [false; submitters then 8], {@code bench.result-page} items a page [100],
 *       {@code bench.readers} jobs read at once [2]</li>
 *   <li>{@code bench.reject-above} the mock answers 429 above this many requests in flight [off];
 *       {@code bench.adaptive} the service's adaptive limit for the upstream [false]</li>
 *   <li>{@code bench.jobs} [100], {@code bench.records} per job [1000], {@code bench.submitters} concurrent clients [4]</li>
 *   <li>{@code bench.probes} how many of the jobs are submitted one at a time into the saturated pipeline after the
 *       burst of the others [10], {@code bench.probe-interval-ms} apart [250]</li>
 *   <li>{@code bench.warmup-jobs} jobs run and awaited before the measured ones (in client mode their results read
 *       back too), not counted [0: a cold service]</li>
 *   <li>{@code bench.latency} upstream latency: ms [100; backlog 1000], {@code uniform:50-150}, {@code exp:100}</li>
 *   <li>{@code bench.error-rate} share of upstream answers that are 503 [0]; {@code bench.max-attempts} [4]</li>
 *   <li>{@code bench.limit} the upstream's concurrency limit [200; backlog 10]</li>
 *   <li>{@code bench.heap} the service's -Xmx [512m]; {@code bench.service-args} more JVM args for the service,
 *       space-separated, e.g. {@code -Dbatchwire.dispatch.max-buffered-chunks=500} []</li>
 *   <li>{@code bench.timeout} seconds to wait for all jobs [5 x the ideal time + 120]</li>
 *   <li>{@code bench.capacity-seconds} one round of the mock's capacity measurement [3]</li>
 *   <li>{@code bench.backlog-at} queued records at which backlog mode samples [10000,100000]</li>
 *   <li>{@code bench.db} [batchwire_bench], {@code bench.out} [target/bench],
 *       {@code bench.jar} [target/quarkus-app/quarkus-run.jar]</li>
 * </ul>
 * Paths are relative to the project directory (the working directory).
 */
public final class Benchmark {

    private static final String UPSTREAM_TYPE = "company";
    private static final String TENANT = "bench";
    private static final int CAPACITY_ROUNDS = 8;

    private Benchmark() {
    }

    public static void main(String[] args) {
        int exit;
        try {
            Report report = run(BenchConfig.fromSystemProperties());
            exit = Boolean.TRUE.equals(report.get("ok")) ? 0 : 1;
        } catch (Throwable t) {
            System.err.println("bench: FAILED: " + t);
            t.printStackTrace();
            exit = 2;
        }
        System.exit(exit);
    }

    /** Runs one benchmark (the entry point of {@link #main} and of {@code BenchmarkSmokeIT}). */
    static Report run(BenchConfig c) throws Exception {
        if (Runtime.version().feature() < 21) {
            throw new IllegalStateException("the service needs Java 21+, this is " + Runtime.version()
                    + "; set JAVA_HOME (e.g. /usr/lib/jvm/temurin-25-jdk-amd64)");
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Files.createDirectories(c.outDir());
        Report report = new Report(String.format("Batchwire benchmark %s  mode=%s  %d jobs x %d records  submitters=%d  "
                        + "latency=%s  error-rate=%s  limit=%d  heap=%s", stamp, c.mode().name().toLowerCase(), c.jobs(),
                c.records(), c.submitters(), c.latency(), c.errorRate(), c.limit(), c.heap()));
        report.put("timestamp", stamp).put("config", configJson(c));
        try (Resources res = new Resources()) {
            log("database " + c.db() + " on " + Infra.PG);
            Infra.createDatabase(c.db());
            log("starting a Kafka broker (kafka/kafka.sh)");
            Infra.Broker broker = res.add(Infra.Broker.start());
            MockUpstream mock = res.add(MockUpstream.start(c.latency(), c.errorRate(), c.rejectAbove()));
            String apiKey = "bench-" + UUID.randomUUID();
            String adminKey = "bench-admin-" + UUID.randomUUID();
            Path log = c.outDir().toAbsolutePath().resolve("service-" + stamp + ".log");
            log("starting the service (" + c.jar() + ", -Xmx" + c.heap() + "), log " + log);
            Map<String, String> properties = serviceProperties(c, broker, mock, apiKey, adminKey);
            ServiceProcess service = res.add(ServiceProcess.start(c.jar(), c.heap(), properties, c.serviceArgs(), log));
            service.awaitReady(Duration.ofMinutes(3));
            Workload.grantPlan(service.uri("/"), adminKey, TENANT, c.records(),
                    (c.mode() == Mode.SCALE ? 2 * c.jobs() : c.jobs()) + c.warmupJobs());
            report.put("service.log", log.toString());
            Workload workload = new Workload(service.uri("/v1/jobs"), apiKey, c.records(), c.submitters());
            switch (c.mode()) {
                case THROUGHPUT -> throughput(c, report, mock, service, broker, workload);
                case BACKLOG -> backlog(c, report, service, workload);
                case SCALE -> new ScaleRun(c, report, mock, properties, workload, c.outDir(), stamp).run(service);
                case PLAN -> new PlanRun(c, report, properties, adminKey, apiKey, TENANT, c.outDir(), stamp).run(service);
            }
            report.put("service.log_warnings", logWarnings(log));
        }
        report.write(c.outDir(), stamp);
        System.out.println(report.table());
        System.out.println("figures: " + report.file().toAbsolutePath());
        return report;
    }

    private static void throughput(BenchConfig c, Report report, MockUpstream mock, ServiceProcess service,
                                   Infra.Broker broker, Workload workload) throws Exception {
        if (c.warmupJobs() > 0) {
            // the measured run's work, results read back included in client mode: the JIT has compiled that path too
            log("warm-up: " + c.warmupJobs() + " jobs (not counted)" + (c.client() ? ", their results read back" : ""));
            try (Workload.Reader reader = workload.new Reader(c.readers(), c.resultPage())) {
                long deadline = System.nanoTime() + c.timeout().toNanos();
                List<Submit> warm = workload.submit(c.jobs(), c.jobs() + c.warmupJobs());
                workload.await(warm.stream().filter(s -> s.id() != null).map(Submit::id).toList(), deadline,
                        c.client() ? reader::read : d -> { });
                reader.finish(deadline);
            }
        }
        int capacityConcurrency = Math.max(100, c.limit());
        log("mock capacity: /ping at concurrency " + capacityConcurrency + ", rounds of " + c.capacityTime().toMillis()
                + " ms until the rate stops rising (JIT warm-up of mock and client), and once more after the limit");
        Drive capacity = capacity(mock, capacityConcurrency, c.capacityTime(), null);
        log("limit: " + c.totalRecords() + " requests from a bare Vert.x Web Client at concurrency " + c.limit());
        Drive limit = MockUpstream.drive(mock.port(), i -> "/companies?domain=d-limit-" + i + ".com", c.limit(),
                c.totalRecords(), c.timeout());
        capacity = capacity(mock, capacityConcurrency, c.capacityTime(), capacity);

        int burst = c.jobs() - c.probes();
        log("Batchwire: submitting " + burst + " jobs x " + c.records() + " records from " + c.submitters() + " clients, then "
                + c.probes() + " one at a time every " + c.probeInterval().toMillis() + " ms");
        long upstreamBefore = mock.requests();
        long busyBefore = mock.busyNanos();
        long errorsBefore = mock.errors();
        long rejectedBefore = mock.rejected();
        Cpu cpuBefore = Cpu.sample(service.pid(), broker.pid(), c.db());
        long deadline = System.nanoTime() + c.timeout().toNanos();
        List<Submit> submits;
        List<Submit> probes;
        double probeUpstreamRate;
        Map<String, Done> done;
        List<Map<String, Object>> timeline;
        List<Workload.Read> reads = List.of();
        try (Workload.Reader reader = workload.new Reader(c.readers(), c.resultPage());
             Timeline sampler = new Timeline(mock, service.pid(), c.rejectAbove() > 0 ? service.uri("/q/metrics") : null)) {
            submits = new ArrayList<>(workload.submit(0, burst));
            long probeStart = System.nanoTime();
            long probeRequests = mock.requests();
            probes = workload.paced(burst, c.jobs(), c.probeInterval());
            // the upstream's request rate while the probes ran: shows the pipeline was busy meanwhile
            probeUpstreamRate = (mock.requests() - probeRequests) / Math.max(1e-9, (System.nanoTime() - probeStart) / 1e9);
            submits.addAll(probes);
            log("submitted " + submits.stream().filter(s -> s.id() != null).count() + " jobs; waiting for them to complete");
            done = workload.await(submits.stream().filter(s -> s.id() != null).map(Submit::id).toList(), deadline,
                    c.client() ? reader::read : d -> { });
            if (c.client()) {
                log("reading the last jobs' results");
                reads = reader.finish(deadline);
            }
            timeline = sampler.samples();
        }
        Cpu cpu = Cpu.sample(service.pid(), broker.pid(), c.db()).minus(cpuBefore);
        long upstreamRequests = mock.requests() - upstreamBefore;
        double[] rss = service.rssMiB();
        double heap = service.heapAfterGcMiB();

        long submitted = submits.stream().filter(s -> s.id() != null).count();
        long first = submits.stream().mapToLong(Submit::startedAtMs).min().orElse(0);
        // the end: the last job finished, or in client mode the last of its results read back
        long last = Math.max(done.values().stream().mapToLong(d -> d.finishedAt().toInstant().toEpochMilli()).max()
                .orElse(first), reads.stream().mapToLong(Workload.Read::endedAtMs).max().orElse(first));
        double wall = (last - first) / 1000.0;
        long records = done.values().stream().mapToLong(d -> d.succeeded() + d.failed() + d.timedOut() + d.cancelled()).sum();
        long succeeded = done.values().stream().mapToLong(Done::succeeded).sum();
        double perSecond = wall > 0 ? records / wall : 0;
        double[] completion = done.values().stream().mapToDouble(Done::completionMs).toArray();
        double meanInFlight = wall > 0 ? (mock.busyNanos() - busyBefore) / 1e9 / wall : 0;
        double medianInFlight = percentile(timeline.stream().mapToDouble(t -> ((Number) t.get("in_flight")).doubleValue())
                .toArray(), 50);
        long readItems = reads.stream().mapToLong(Workload.Read::items).sum();
        long readErrors = reads.stream().filter(r -> r.error() != null || r.items() != c.records()).count();
        boolean ok = done.size() == c.jobs() && (!c.client() || (reads.size() == done.size() && readErrors == 0));

        report.put("ok", ok).put("records.total", c.totalRecords()).put("records.completed", records)
                .put("records.succeeded", succeeded).put("records.not_succeeded", records - succeeded)
                .put("jobs.submitted", submitted).put("jobs.submit_errors", submits.size() - submitted)
                .put("jobs.final", done.size())
                .put("jobs.not_completed", done.values().stream().filter(d -> !d.state().equals("completed")).count())
                .put("wall_seconds", wall).put("records_per_second", perSecond);
        submitLatency(report, "submit_ms", submits.subList(0, burst));
        if (!probes.isEmpty()) {
            submitLatency(report, "probe_submit_ms", probes);
            report.put("probe_submit_ms.upstream_requests_per_second", probeUpstreamRate);
        }
        report.put("completion_ms.p50", percentile(completion, 50)).put("completion_ms.p99", percentile(completion, 99))
                .put("completion_ms.max", percentile(completion, 100));
        report.put("limit.records_per_second", limit.perSecond()).put("limit.requests", limit.requests())
                .put("limit.non_2xx_or_errors", limit.failures()).put("limit.concurrency", limit.concurrency())
                .put("limit.seconds", limit.seconds()).put("ratio_to_limit", perSecond / limit.perSecond());
        report.put("service.peak_rss_mib", rss[0]).put("service.rss_mib", rss[1]).put("service.heap_after_gc_mib", heap);
        report.put("mock.capacity_requests_per_second", capacity.perSecond()).put("mock.capacity_concurrency", capacityConcurrency)
                .put("mock.capacity_seconds", capacity.seconds())
                .put("upstream.requests", upstreamRequests).put("upstream.503s", mock.errors() - errorsBefore)
                .put("upstream.429s", mock.rejected() - rejectedBefore)
                .put("upstream.mean_in_flight", meanInFlight).put("upstream.median_in_flight", medianInFlight);
        cpu(report, cpu);
        perRecord(report, cpu, records);
        if (c.client()) {
            double[] readMs = reads.stream().mapToDouble(r -> r.nanos() / 1e6).toArray();
            report.put("results_read.jobs", reads.size()).put("results_read.items", readItems)
                    .put("results_read.pages", reads.stream().mapToLong(Workload.Read::pages).sum())
                    .put("results_read.bytes", reads.stream().mapToLong(Workload.Read::bytes).sum())
                    .put("results_read.jobs_wrong", readErrors).put("results_read.page_size", c.resultPage())
                    .put("results_read.job_ms.p50", percentile(readMs, 50)).put("results_read.job_ms.p99", percentile(readMs, 99));
        }
        report.put("timeline", timeline);

        report.row("result", ok ? "all " + c.jobs() + " jobs final" : "INCOMPLETE: " + done.size() + " of " + c.jobs()
                        + " jobs final within " + c.timeout().toSeconds() + " s (" + (submits.size() - submitted) + " submits refused)")
                .row("records/s end to end", f1(perSecond) + "   (" + f0(records) + " records, first submit to last job"
                        + " finished: " + String.format("%.2f", wall) + " s)")
                .row("limit: bare Vert.x client", f1(limit.perSecond()) + "   (" + f0(limit.requests()) + " requests at concurrency "
                        + c.limit() + ", " + String.format("%.2f", limit.seconds()) + " s"
                        + (limit.failures() > 0 ? ", " + limit.failures() + " non-2xx" : "") + ")")
                .row("ratio Batchwire / limit", String.format("%.1f %%", 100 * perSecond / limit.perSecond()))
                .row("upstream concurrency in use", String.format("mean %.0f, median of 1 s samples %.0f, of limit %d",
                        meanInFlight, medianInFlight, c.limit()))
                .row("records succeeded / not", f0(succeeded) + " / " + f0(records - succeeded)
                        + "   (upstream requests made: " + f0(upstreamRequests) + ")")
                .row("submit latency p50 / p99 / max", submitRow(report, "submit_ms", true) + ", a burst from "
                        + c.submitters() + " clients")
                .row("  while saturated", probes.isEmpty() ? "not measured (bench.probes=0)"
                        : submitRow(report, "probe_submit_ms", false) + ", one at a time; upstream meanwhile "
                        + f0(probeUpstreamRate) + " req/s")
                .row("completion latency p50 / p99", f0(percentile(completion, 50)) + " / " + f0(percentile(completion, 99))
                        + " ms   (job created_at to finished_at)")
                .row("service peak RSS (VmHWM)", f0(rss[0]) + " MiB   (now " + f0(rss[1]) + " MiB)")
                .row("service heap after GC", f1(heap) + " MiB")
                .row("mock capacity", f0(capacity.perSecond()) + " req/s   (/ping, zero latency, concurrency "
                        + capacityConcurrency + ", best " + String.format("%.1f", capacity.seconds())
                        + " s round; client in the same JVM)")
                .row("CPU s during the run", cpuRow(cpu))
                .row("CPU per record", perRecordRow(cpu, records));
        if (c.client()) {
            report.row("results read back", String.format("%s items of %d jobs in %s pages of %d (%.1f MB), %d jobs wrong;"
                            + " one job's read p50 / p99 %.0f / %.0f ms, %d readers", f0(readItems), reads.size(),
                    f0(reads.stream().mapToLong(Workload.Read::pages).sum()), c.resultPage(),
                    reads.stream().mapToLong(Workload.Read::bytes).sum() / 1e6, readErrors,
                    ((Number) report.get("results_read.job_ms.p50")).doubleValue(),
                    ((Number) report.get("results_read.job_ms.p99")).doubleValue(), c.readers()));
        }
        if (c.rejectAbove() > 0) {
            // an upstream that refuses above N: its capacity is N / latency
            double capacityPerSecond = c.rejectAbove() * 1000.0 / Math.max(1, MockUpstream.meanLatencyMs(c.latency()));
            long refused = mock.rejected() - rejectedBefore;
            // and once settled: the 1 s samples from SETTLE_SECONDS on, until the last jobs' tail (TAIL_SECONDS)
            List<Map<String, Object>> settled = timeline.stream()
                    .filter(t -> ((Number) t.get("t")).longValue() > SETTLE_SECONDS
                            && ((Number) t.get("t")).longValue() <= wall - TAIL_SECONDS).toList();
            double settledOk = settled.stream().mapToDouble(t -> ((Number) t.get("upstream_rps")).doubleValue()
                    - ((Number) t.get("upstream_429_per_s")).doubleValue()).average().orElse(0);
            double settled429 = settled.stream().mapToDouble(t -> ((Number) t.get("upstream_429_per_s")).doubleValue()).sum()
                    / Math.max(1, settled.stream().mapToDouble(t -> ((Number) t.get("upstream_rps")).doubleValue()).sum());
            report.put("reject_above.n", c.rejectAbove()).put("reject_above.adaptive", c.adaptive())
                    .put("reject_above.share_of_capacity", perSecond / capacityPerSecond)
                    .put("reject_above.share_429", (double) refused / Math.max(1, upstreamRequests))
                    .put("reject_above.settled_seconds", settled.size())
                    .put("reject_above.settled_share_of_capacity", settledOk / capacityPerSecond)
                    .put("reject_above.settled_share_429", settled429);
            report.row("upstream refusing above " + c.rejectAbove(), String.format("%.1f %% of its capacity (%.0f req/s), 429s %.2f %%"
                    + " of %s requests (adaptive=%s)", 100 * perSecond / capacityPerSecond, capacityPerSecond,
                    100.0 * refused / Math.max(1, upstreamRequests), f0(upstreamRequests), c.adaptive()))
                    .row("  once settled", settled.isEmpty() ? "run too short to tell" : String.format(
                            "%.1f %% of its capacity, 429s %.2f %% (%d s from %d s on, the last %d s left out)",
                            100 * settledOk / capacityPerSecond, 100 * settled429, settled.size(), SETTLE_SECONDS, TAIL_SECONDS));
        }
    }

    /** What the upstream-refusing figures count as settling (as the adaptive limit's test does) and as the tail. */
    private static final int SETTLE_SECONDS = 15;
    private static final int TAIL_SECONDS = 5;

    /** Rounds of {@code /ping} load until the rate rises by less than 10 %; the best round (or {@code best}, if better). */
    private static Drive capacity(MockUpstream mock, int concurrency, Duration round, Drive best) throws Exception {
        Drive previous = null;
        for (int i = 0; i < CAPACITY_ROUNDS; i++) {
            Drive d = MockUpstream.drive(mock.port(), n -> "/ping", concurrency, Long.MAX_VALUE, round);
            best = best == null || d.perSecond() > best.perSecond() ? d : best;
            if (previous != null && d.perSecond() < 1.1 * previous.perSecond()) {
                break;
            }
            previous = d;
        }
        return best;
    }

    private static void backlog(BenchConfig c, Report report, ServiceProcess service, Workload workload) throws Exception {
        List<Submit> submits = new ArrayList<>();
        List<Map<String, Object>> samples = new ArrayList<>();
        samples.add(sample(c, report, service, 0));
        int submitted = 0;
        for (int target : c.backlogAt()) {
            int upTo = Math.min(c.jobs(), (target + c.records() - 1) / c.records());
            if (upTo > submitted) {
                log("backlog: submitting jobs " + submitted + ".." + (upTo - 1));
                submits.addAll(workload.submit(submitted, upTo));
                submitted = upTo;
            }
            // sample once every submitted job is on Kafka: the backlog is really queued
            int expected = submitted;
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> Infra.backlog(c.db())[1] >= expected);
            samples.add(sample(c, report, service, target));
        }
        double[] rss = service.rssMiB();
        long refused = submits.stream().filter(s -> s.id() == null).count();
        report.put("ok", refused == 0).put("jobs.submitted", submits.size() - refused).put("jobs.submit_errors", refused)
                .put("backlog", samples).put("service.peak_rss_mib", rss[0]);
        submitLatency(report, "submit_ms", submits);
        Map<String, Object> firstLoaded = samples.get(1), lastLoaded = samples.getLast();
        double growth = (double) lastLoaded.get("heap_after_gc_mib") - (double) firstLoaded.get("heap_after_gc_mib");
        report.put("heap_growth_mib", growth);
        report.row("submitted", (submits.size() - refused) + " jobs x " + c.records() + " records"
                        + (refused > 0 ? "   (" + refused + " submits refused)" : ""))
                .row("submit latency p50 / p99 / max", submitRow(report, "submit_ms", true))
                .row("heap growth " + f0(((Number) firstLoaded.get("queued")).doubleValue()) + " -> "
                        + f0(((Number) lastLoaded.get("queued")).doubleValue()) + " queued",
                        String.format("%+.1f MiB", growth))
                .row("service peak RSS (VmHWM)", f0(rss[0]) + " MiB");
    }

    private static Map<String, Object> sample(BenchConfig c, Report report, ServiceProcess service, int target) throws Exception {
        long[] backlog = Infra.backlog(c.db());
        double heap = service.heapAfterGcMiB();
        double[] rss = service.rssMiB();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("target", target);
        s.put("queued", backlog[0]);
        s.put("jobs_dispatched", backlog[1]);
        s.put("heap_after_gc_mib", Math.round(heap * 10) / 10.0);
        s.put("rss_mib", Math.round(rss[1]));
        s.put("peak_rss_mib", Math.round(rss[0]));
        log("backlog sample: " + s);
        report.row("~" + f0(target) + " queued", f0(backlog[0]) + " records pending (" + backlog[1] + " jobs on Kafka): heap after GC "
                + f1(heap) + " MiB, RSS " + f0(rss[1]) + " MiB, peak RSS " + f0(rss[0]) + " MiB");
        return s;
    }

    private static void submitLatency(Report report, String key, List<Submit> submits) {
        double[] ms = submits.stream().mapToDouble(s -> s.latencyNanos() / 1e6).toArray();
        report.put(key + ".p50", percentile(ms, 50)).put(key + ".p99", percentile(ms, 99))
                .put(key + ".max", percentile(ms, 100)).put(key + ".count", ms.length)
                .put(key + ".each", Arrays.stream(ms).map(Math::round).toArray())
                .put(key + ".jobs_per_second", submitRate(submits));
        submits.stream().filter(s -> s.error() != null).limit(3)
                .forEach(s -> log("submit of job " + s.job() + " failed: " + s.error()));
    }

    /**
     * Accepted jobs a second from the first submit's start to (about) the last one's answer. Submitters send their next job
     * when the last is answered, so in a burst the latency is about submitters / this rate: what bounds it is how many
     * submits the service (and its database) take a second, not the wait of one.
     */
    private static double submitRate(List<Submit> submits) {
        long first = submits.stream().mapToLong(Submit::startedAtMs).min().orElse(0);
        long last = submits.stream().mapToLong(s -> s.startedAtMs() + s.waitedMs() + s.latencyNanos() / 1_000_000).max().orElse(0);
        long accepted = submits.stream().filter(s -> s.id() != null).count();
        return last > first ? accepted * 1000.0 / (last - first) : 0;
    }

    /** The latency figures; with {@code rate} the jobs a second too (not for submits paced by the benchmark). */
    private static String submitRow(Report report, String key, boolean rate) {
        return f1((double) report.get(key + ".p50")) + " / " + f1((double) report.get(key + ".p99")) + " / "
                + f1((double) report.get(key + ".max")) + " ms   (" + report.get(key + ".count") + " submits"
                + (rate ? ", " + f1((double) report.get(key + ".jobs_per_second")) + " jobs/s)" : ")");
    }

    private static void cpu(Report report, Cpu cpu) {
        report.put("cpu_seconds.service", cpu.service()).put("cpu_seconds.service_jit", cpu.service(Proc.JvmWork.JIT))
                .put("cpu_seconds.service_gc", cpu.service(Proc.JvmWork.GC)).put("cpu_seconds.broker", cpu.broker())
                .put("cpu_seconds.postgres", cpu.postgres()).put("cpu_seconds.harness", cpu.harness())
                .put("cpu_seconds.machine_busy", cpu.machineBusy()).put("cpu_seconds.machine_total", cpu.machineTotal())
                .put("cpu_seconds.other", cpu.other()).put("cpu_seconds.machine_busy_percent", cpu.busyPercent());
    }

    /** CPU time per record completed, in microseconds, by process: the figure to compare between runs. */
    private static void perRecord(Report report, Cpu cpu, long records) {
        double n = Math.max(1, records);
        report.put("cpu_us_per_record.service", 1e6 * cpu.service() / n)
                .put("cpu_us_per_record.service_jit", 1e6 * cpu.service(Proc.JvmWork.JIT) / n)
                .put("cpu_us_per_record.service_gc", 1e6 * cpu.service(Proc.JvmWork.GC) / n)
                .put("cpu_us_per_record.broker", 1e6 * cpu.broker() / n)
                .put("cpu_us_per_record.postgres", 1e6 * cpu.postgres() / n)
                .put("cpu_us_per_record.harness", 1e6 * cpu.harness() / n)
                .put("cpu_us_per_record.other", 1e6 * cpu.other() / n);
    }

    private static String perRecordRow(Cpu cpu, long records) {
        double n = Math.max(1, records) / 1e6;
        return String.format("service %.0f us (JIT %.0f, GC %.0f), broker %.0f us, postgres %.0f us, harness+mock %.0f us,"
                        + " other %.0f us", cpu.service() / n, cpu.service(Proc.JvmWork.JIT) / n,
                cpu.service(Proc.JvmWork.GC) / n, cpu.broker() / n, cpu.postgres() / n, cpu.harness() / n, cpu.other() / n);
    }

    private static String cpuRow(Cpu cpu) {
        return String.format("service %.1f, broker %.1f, postgres %.1f, harness+mock %.1f, other %.1f; machine %.0f %% busy"
                        + " (%.0f CPU s available)", cpu.service(), cpu.broker(), cpu.postgres(), cpu.harness(), cpu.other(),
                cpu.busyPercent(), cpu.machineTotal());
    }

    private static Map<String, String> serviceProperties(BenchConfig c, Infra.Broker broker, MockUpstream mock,
                                                         String apiKey, String adminKey) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("kafka.bootstrap.servers", broker.bootstrap());
        p.put("quarkus.datasource.reactive.url", "postgresql://" + Infra.PG + "/" + c.db());
        p.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://" + Infra.PG + "/" + c.db());
        p.put("quarkus.datasource.username", Infra.DB_USER);
        p.put("quarkus.datasource.password", Infra.DB_PASSWORD);
        String upstream = "batchwire.upstreams." + UPSTREAM_TYPE + ".";
        p.put(upstream + "url", "http://127.0.0.1:" + mock.port() + "/companies?domain={domain}");
        p.put(upstream + "concurrency", String.valueOf(c.limit()));
        p.put(upstream + "max-attempts", String.valueOf(c.maxAttempts()));
        p.put(upstream + "adaptive", String.valueOf(c.adaptive()));
        p.put("batchwire.tenants.seed." + TENANT + ".api-key", apiKey);
        p.put("batchwire.admin.api-key", adminKey);
        p.put("batchwire.downloads.signing-key", "bench-" + UUID.randomUUID() + UUID.randomUUID());
        p.put("batchwire.secrets.key", "bench-" + UUID.randomUUID() + UUID.randomUUID());
        return p;
    }

    private static Map<String, Object> configJson(BenchConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", c.mode().name().toLowerCase());
        m.put("jobs", c.jobs());
        m.put("warmup_jobs", c.warmupJobs());
        m.put("records_per_job", c.records());
        m.put("submitters", c.submitters());
        m.put("latency", c.latency());
        m.put("error_rate", c.errorRate());
        m.put("limit", c.limit());
        m.put("max_attempts", c.maxAttempts());
        m.put("heap", c.heap());
        m.put("service_args", c.serviceArgs());
        m.put("probes", c.probes());
        m.put("probe_interval_ms", c.probeInterval().toMillis());
        m.put("timeout_seconds", c.timeout().toSeconds());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", Runtime.version().toString());
        return m;
    }

    /** Warnings and errors in the service log (JSON or text format). */
    private static long logWarnings(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.contains("\"level\":\"WARN") || l.contains("\"level\":\"ERROR")
                    || l.matches("^\\S+ \\S+ +(WARN|ERROR) .*")).count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static void log(String message) {
        System.err.println("bench: " + message);
    }

    /** Once a second: upstream requests/s and in flight (at the mock), service CPU % and machine busy %. */
    private static final class Timeline implements AutoCloseable {

        private final List<Map<String, Object>> samples = Collections.synchronizedList(new ArrayList<>());
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-timeline");
            t.setDaemon(true);
            return t;
        });

        /** The service's view of the upstream's limits, sampled with the rest when {@code metrics} is given. */
        private static final List<String> LIMIT_GAUGES = List.of("batchwire_upstream_adaptive_limit",
                "batchwire_upstream_limit_in_force", "batchwire_upstream_slice");
        private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

        Timeline(MockUpstream mock, long servicePid, java.net.URI metrics) {
            long t0 = System.nanoTime();
            long[] requests = {mock.requests()};
            long[] refused = {mock.rejected()};
            double[] serviceCpu = {Proc.cpuSeconds(servicePid)};
            double[][] machine = {Proc.machineCpuSeconds()};
            timer.scheduleAtFixedRate(() -> {
                long r = mock.requests();
                long no = mock.rejected();
                double s = Proc.cpuSeconds(servicePid);
                double[] m = Proc.machineCpuSeconds();
                double total = m[1] - machine[0][1];
                Map<String, Object> sample = new LinkedHashMap<>();
                sample.put("t", Math.round((System.nanoTime() - t0) / 1e9));
                sample.put("upstream_rps", r - requests[0]);
                sample.put("upstream_429_per_s", no - refused[0]);
                sample.put("in_flight", mock.inFlight());
                sample.put("service_cpu_pct", Math.round(100 * (s - serviceCpu[0])));
                sample.put("machine_busy_pct", total <= 0 ? 0 : Math.round(100 * (m[0] - machine[0][0]) / total));
                if (metrics != null) {
                    gauges(metrics, sample);
                }
                samples.add(sample);
                requests[0] = r;
                refused[0] = no;
                serviceCpu[0] = s;
                machine[0] = m;
            }, 1, 1, TimeUnit.SECONDS);
        }

        private void gauges(java.net.URI metrics, Map<String, Object> sample) {
            try {
                String text = http.send(java.net.http.HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(2)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                for (String g : LIMIT_GAUGES) {
                    text.lines().filter(l -> l.startsWith(g + "{") && l.contains("upstream=\"company\"")).findFirst()
                            .ifPresent(l -> sample.put(g.substring("batchwire_upstream_".length()),
                                    Math.round(Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))));
                }
            } catch (Exception e) {
                sample.put("gauges_error", e.getClass().getSimpleName());
            }
        }

        List<Map<String, Object>> samples() {
            synchronized (samples) {
                return new ArrayList<>(samples);
            }
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /**
     * What the run started, stopped in reverse order by {@link #close} or, on Ctrl-C or a kill, by a shutdown hook;
     * whichever comes first does it, once.
     */
    private static final class Resources implements AutoCloseable {

        private final Deque<AutoCloseable> started = new ArrayDeque<>();
        private final Thread hook = new Thread(this::stopAll, "bench-cleanup");
        private boolean stopped;

        Resources() {
            Runtime.getRuntime().addShutdownHook(hook);
        }

        synchronized <T extends AutoCloseable> T add(T resource) throws Exception {
            if (stopped) { // shutting down: whatever was started in the meantime goes too
                resource.close();
                throw new IllegalStateException("the benchmark is being stopped");
            }
            started.push(resource);
            return resource;
        }

        private synchronized void stopAll() {
            if (!stopped && Thread.currentThread() == hook && !started.isEmpty()) {
                log("interrupted: stopping the service, the broker and the mock upstream");
            }
            stopped = true;
            while (!started.isEmpty()) {
                AutoCloseable r = started.pop();
                try {
                    r.close();
                } catch (Exception e) {
                    log("could not stop " + r.getClass().getSimpleName() + ": " + e);
                }
            }
        }

        @Override
        public void close() {
            stopAll();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or ran: nothing left to do
            }
        }
    }
}
