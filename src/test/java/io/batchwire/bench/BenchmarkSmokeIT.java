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
 * {@code @QuarkusTest} run. Asserts only that it finished with every record succeeded and wrote its figures:
 * no timing assertions.
 */
class BenchmarkSmokeIT {

    @Test
    void smallRunCompletesAndWritesItsFigures() throws Exception {
        Report report = Benchmark.run(BenchConfig.from(Map.of(
                "jobs", "3", "records", "50", "submitters", "2", "latency", "5", "limit", "20", "heap", "256m",
                "capacity-seconds", "0.5", "db", "batchwire_bench_smoke", "timeout", "180")));

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
    }
}
