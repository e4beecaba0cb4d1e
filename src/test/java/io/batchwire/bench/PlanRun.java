package io.batchwire.bench;

import io.batchwire.bench.Workload.Done;
import io.batchwire.bench.Workload.Submit;
import io.batchwire.testing.ServiceProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.batchwire.bench.Benchmark.log;
import static io.batchwire.bench.Report.percentile;

/**
 * Plan mode ({@code -Dbench.mode=plan}): the same workload twice, each on a freshly started service (so both run
 * cold), first on a plan that limits nothing, then on a plan of {@code bench.plan-jobs} concurrent jobs (10) and
 * {@code bench.plan-queued-records} queued records (20 jobs' worth by default, so that submits are refused and the
 * client's honouring of {@code Retry-After} is what keeps the pipeline fed). The client honours every
 * {@code Retry-After} it is told; the figure is the limited run's records/s as a share of the unlimited one's.
 */
final class PlanRun {

    private final BenchConfig c;
    private final Report report;
    private final Map<String, String> properties;
    private final String adminKey;
    private final String apiKey;
    private final String tenant;
    private final Path outDir;
    private final String stamp;

    PlanRun(BenchConfig c, Report report, Map<String, String> properties, String adminKey, String apiKey, String tenant,
            Path outDir, String stamp) {
        this.c = c;
        this.report = report;
        this.properties = properties;
        this.adminKey = adminKey;
        this.apiKey = apiKey;
        this.tenant = tenant;
        this.outDir = outDir;
        this.stamp = stamp;
    }

    private record Phase(boolean ok, long records, double seconds, double perSecond, long refused, long refusals,
                         long waitedMs, long queuedAtSubmit, double completionP50, double completionMax) {
    }

    /** Runs the unlimited phase on {@code first} (stopping it after), then the limited one on a new service. */
    void run(ServiceProcess first) throws Exception {
        log("plan: " + c.jobs() + " jobs on a plan that limits nothing");
        Phase unlimited = phase(first, 0);
        first.close();
        Path log = outDir.toAbsolutePath().resolve("service-" + stamp + "-limited.log");
        log("plan: a fresh service (" + log + ") for the limited run");
        try (ServiceProcess second = ServiceProcess.start(c.jar(), c.heap(), properties, c.serviceArgs(), log)) {
            second.awaitReady(Duration.ofMinutes(3));
            Workload.putPlan(second.uri("/"), adminKey, tenant, "bench-limited", c.records(), c.planJobs(), c.planQueuedRecords());
            log("plan: " + c.jobs() + " jobs on a plan of " + c.planJobs() + " concurrent jobs and " + c.planQueuedRecords()
                    + " queued records; the client honours Retry-After");
            Phase limited = phase(second, c.jobs());
            double share = limited.perSecond() / Math.max(1e-9, unlimited.perSecond());
            report.put("ok", unlimited.ok() && limited.ok());
            put("plan.unlimited", unlimited);
            put("plan.limited", limited);
            report.put("plan.limited.concurrent_jobs", c.planJobs()).put("plan.limited.queued_records", c.planQueuedRecords())
                    .put("plan.share_of_unlimited", share);
            row("unlimited plan: records/s", unlimited);
            row(c.planJobs() + " concurrent jobs, " + c.planQueuedRecords() + " queued: records/s", limited);
            report.row("share of the unlimited plan", String.format("%.1f %%", 100 * share));
            report.row("  limited: 429s / Retry-After waited", String.format("%d 429s on %d of %d submits (%.2f per refused "
                            + "submit), %.1f s waited in all; %d submits accepted as queued", limited.refusals(),
                    limited.refused(), c.jobs(), limited.refused() == 0 ? 0.0 : (double) limited.refusals() / limited.refused(),
                    limited.waitedMs() / 1000.0, limited.queuedAtSubmit()));
            report.row("  completion latency p50 / max", String.format("unlimited %.0f / %.0f ms, limited %.0f / %.0f ms"
                            + " (created_at to finished_at)", unlimited.completionP50(), unlimited.completionMax(),
                    limited.completionP50(), limited.completionMax()));
        }
    }

    private Phase phase(ServiceProcess service, int from) throws Exception {
        Workload workload = new Workload(service.uri("/v1/jobs"), apiKey, c.records(), c.submitters());
        List<Submit> submits = workload.submit(from, from + c.jobs());
        submits.stream().filter(s -> s.error() != null).limit(3).forEach(s -> log("submit of job " + s.job() + " failed: " + s.error()));
        List<String> ids = submits.stream().filter(s -> s.id() != null).map(Submit::id).toList();
        Map<String, Done> done = workload.await(ids, System.nanoTime() + c.timeout().toNanos());
        long first = submits.stream().mapToLong(Submit::startedAtMs).min().orElse(0);
        long last = done.values().stream().mapToLong(d -> d.finishedAt().toInstant().toEpochMilli()).max().orElse(first);
        double seconds = Math.max(1e-3, (last - first) / 1000.0);
        long records = done.values().stream().mapToLong(d -> d.succeeded() + d.failed() + d.timedOut() + d.cancelled()).sum();
        boolean ok = ids.size() == c.jobs() && done.size() == c.jobs()
                && done.values().stream().allMatch(d -> d.state().equals("completed") && d.succeeded() == c.records());
        double[] completion = done.values().stream().mapToDouble(Done::completionMs).toArray();
        return new Phase(ok, records, seconds, records / seconds, submits.stream().filter(s -> s.refusals() > 0).count(),
                submits.stream().mapToLong(Submit::refusals).sum(), submits.stream().mapToLong(Submit::waitedMs).sum(),
                submits.stream().filter(s -> "queued".equals(s.state())).count(), percentile(completion, 50),
                percentile(completion, 100));
    }

    private void put(String key, Phase p) {
        report.put(key + ".ok", p.ok()).put(key + ".records", p.records()).put(key + ".seconds", p.seconds())
                .put(key + ".records_per_second", p.perSecond()).put(key + ".refused_submits", p.refused())
                .put(key + ".refusals", p.refusals()).put(key + ".retry_after_waited_ms", p.waitedMs())
                .put(key + ".accepted_as_queued", p.queuedAtSubmit()).put(key + ".completion_ms_p50", p.completionP50())
                .put(key + ".completion_ms_max", p.completionMax());
    }

    private void row(String label, Phase p) {
        report.row(label, String.format("%,.1f   (%,d records, first submit to last job finished: %.2f s)%s", p.perSecond(),
                p.records(), p.seconds(), p.ok() ? "" : "   INCOMPLETE"));
    }
}
