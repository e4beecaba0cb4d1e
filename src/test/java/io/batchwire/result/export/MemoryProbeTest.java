package io.batchwire.result.export;

import io.batchwire.testing.Api;
import io.batchwire.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** One-off measurement, not part of the suite. */
@QuarkusTest
class MemoryProbeTest {

    @Test
    void measure() throws Exception {
        Api api = Api.newTenant();
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        HttpClient http = HttpClient.newHttpClient();
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        for (int records : new int[] {1000, 5000}) {
            UUID id = job(api, records);
            for (ExportFormat f : new ExportFormat[] {ExportFormat.JSONL, ExportFormat.XLSX, ExportFormat.JSONL, ExportFormat.XLSX}) {
                long base = settledHeap(mem);
                AtomicLong peak = new AtomicLong();
                AtomicBoolean run = new AtomicBoolean(true);
                Thread sampler = new Thread(() -> {
                    while (run.get()) {
                        peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                        try { Thread.sleep(5); } catch (InterruptedException e) { return; }
                    }
                });
                sampler.start();
                HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/v1/jobs/" + id + "/download?format=" + f.wire())).header("X-API-Key", api.tenant().apiKey()).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                long read = 0;
                long mid = -1;
                byte[] buf = new byte[65536];
                try (InputStream in = r.body()) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        read += n;
                        if (mid < 0 && read > (f == ExportFormat.XLSX ? 6_000L : 10_000L) * records) {
                            Thread.sleep(1000); // reader stalls mid-file: server is held by backpressure
                            mid = settledHeap(mem);
                            if (records == 5000) {
                                Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/jcmd",
                                        String.valueOf(ProcessHandle.current().pid()), "GC.class_histogram").redirectErrorStream(true).start();
                                String out = new String(p.getInputStream().readAllBytes());
                                String[] lines = out.split("\n");
                                for (int i = 0; i < Math.min(22, lines.length); i++) System.out.println("HISTO " + f + " " + lines[i]);
                            }
                        }
                    }
                }
                run.set(false);
                sampler.join();
                System.out.printf("PROBE records=%d format=%s file=%.1f MB heap before=%.1f MB, mid-download after GC=%.1f MB (delta %.1f MB), peak sampled (incl. garbage)=%.1f MB%n",
                        records, f.wire(), read / 1e6, base / 1e6, mid / 1e6, (mid - base) / 1e6, peak.get() / 1e6);
            }
        }
    }

    private static long settledHeap(MemoryMXBean mem) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return mem.getHeapMemoryUsage().getUsed();
    }

    private static UUID job(Api api, int records) {
        UUID id = UUID.randomUUID();
        Db.exec("""
                INSERT INTO jobs (id, tenant_id, type, state, total_records, succeeded, result_seq, created_at, started_at,
                                  finished_at, dispatched_at)
                VALUES (?, ?, 'company', 'completed', ?, ?, ?, now(), now(), now(), now())""",
                id, api.tenant().id(), records, records, records);
        Db.exec("""
                INSERT INTO job_records (job_id, idx, input, status, status_code, attempts, started_at, completed_at,
                                         duration_ms, result, seq)
                SELECT ?, g, jsonb_build_object('domain', 'big-' || g), 'succeeded', 200, 1, now(), now(), 5,
                       jsonb_build_object('i', g,
                           'blob', (SELECT string_agg(md5(g || '-' || s), '') FROM generate_series(1, 640) s)),
                       g + 1
                  FROM generate_series(0, ? - 1) g""", id, records);
        return id;
    }
}
