package io.batchwire.result.export;

import io.batchwire.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One-off, not part of the suite. */
@QuarkusTest
class StallProbeTest {

    @Test
    void probe() throws Exception {
        Api api = Api.newTenant();
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        UUID id = LargeDownloadTest.bigJob(api);
        String url = "http://127.0.0.1:" + port + "/v1/jobs/" + id + "/download?format=";
        for (int round = 0; round < 3; round++) {
            for (ExportFormat f : ExportFormat.values()) {
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", "--max-time", "60",
                        "-H", "X-API-Key: " + api.tenant().apiKey(), url + f.wire()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                p.waitFor(70, TimeUnit.SECONDS);
                System.out.printf("CURL round %d %s -> %s in %d ms%n", round, f, out, (System.nanoTime() - t0) / 1_000_000);
            }
        }
        HttpClient http = HttpClient.newHttpClient();
        for (int round = 0; round < 3; round++) {
            for (ExportFormat f : ExportFormat.values()) {
                long t0 = System.nanoTime();
                HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url + f.wire()))
                        .header("X-API-Key", api.tenant().apiKey()).build(), HttpResponse.BodyHandlers.ofInputStream());
                CompletableFuture<Long> total = CompletableFuture.supplyAsync(() -> {
                    long read = 0;
                    byte[] buf = new byte[65536];
                    try (InputStream in = r.body()) {
                        int n;
                        boolean paused = false;
                        while ((n = in.read(buf)) > 0) {
                            read += n;
                            if (!paused && read > 5_000_000) {
                                paused = true;
                                Thread.sleep(1000);
                            }
                        }
                    } catch (Exception e) {
                        return -read;
                    }
                    return read;
                });
                Long bytes;
                try {
                    bytes = total.get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    bytes = null;
                }
                System.out.printf("JAVA round %d %s -> %s bytes in %d ms%n", round, f, bytes, (System.nanoTime() - t0) / 1_000_000);
            }
        }
    }
}
