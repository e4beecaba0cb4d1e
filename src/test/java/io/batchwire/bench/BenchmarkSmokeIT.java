package io.batchwire.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the benchmark working: a small run of {@link Benchmark} (3 jobs x 50 records, 5 ms upstream, limit 20)
 * against the packaged service, run by failsafe in {@code ./mvnw verify} after {@code package} built
 * {@code target/quarkus-app}. Its own database and broker (free ports, temporary dir), so it never meets the
 * {@code @QuarkusTest} run. In client mode (every result page read back). Asserts only that it finished with every
 * record succeeded and read back, and wrote its figures: no timing assertions.
 */
class BenchmarkSmokeIT {

    @Test
    void smallRunCompletesAndWritesItsFigures() throws Exception {
        Report report = Benchmark.run(BenchConfig.from(Map.ofEntries(
                Map.entry("jobs", "3"), Map.entry("records", "50"), Map.entry("submitters", "2"),
                Map.entry("latency", "5"), Map.entry("limit", "20"), Map.entry("heap", "256m"),
                Map.entry("capacity-seconds", "0.5"), Map.entry("db", "batchwire_bench_smoke"),
                Map.entry("timeout", "180"), Map.entry("client", "true"), Map.entry("result-page", "20"))));

        assertThat(report.get("ok")).isEqualTo(true);
        assertThat(report.file()).exists();
        JsonNode json = new ObjectMapper().readTree(Files.readString(report.file()));
        assertThat(json.path("records").path("succeeded").asLong()).isEqualTo(150);
        assertThat(json.path("jobs").path("not_completed").asLong()).isZero();
        assertThat(json.path("jobs").path("submit_errors").asLong()).isZero();
        assertThat(json.path("records_per_second").asDouble()).isPositive();
        // of the 3 jobs, 2 are submitted one at a time after the first (the "while saturated" figure)
        assertThat(json.path("submit_ms").path("count").asInt()).isEqualTo(1);
        assertThat(json.path("probe_submit_ms").path("count").asInt()).isEqualTo(2);
        assertThat(json.path("limit").path("requests").asLong()).isEqualTo(150);
        assertThat(json.path("service").path("peak_rss_mib").asDouble()).isPositive();
        // client mode: every job's results read back, 50 items in pages of 20, 20 and 10
        assertThat(json.path("results_read").path("items").asLong()).isEqualTo(150);
        assertThat(json.path("results_read").path("pages").asLong()).isEqualTo(9);
        assertThat(json.path("results_read").path("jobs_wrong").asLong()).isZero();
        assertThat(json.path("cpu_us_per_record").path("service").asDouble()).isPositive();
    }
}
