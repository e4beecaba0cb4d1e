package io.batchwire.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one run, kept twice from the same values: as rows of the printed table and as a JSON tree
 * written to {@code <out>/bench-<timestamp>.json} so runs can be compared.
 */
final class Report {

    private final String title;
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final List<String[]> rows = new ArrayList<>();
    private Path file;

    Report(String title) {
        this.title = title;
    }

    /** Adds a figure to the JSON tree at a dotted path, e.g. {@code submit_ms.p99}. */
    @SuppressWarnings("unchecked")
    Report put(String path, Object value) {
        String[] parts = path.split("\\.");
        Map<String, Object> node = json;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        }
        node.put(parts[parts.length - 1], value instanceof Double d ? round(d) : value);
        return this;
    }

    Report row(String label, String value) {
        rows.add(new String[]{label, value});
        return this;
    }

    Object get(String path) {
        Object node = json;
        for (String part : path.split("\\.")) {
            node = node instanceof Map<?, ?> m ? m.get(part) : null;
        }
        return node;
    }

    Path file() {
        return file;
    }

    Path write(Path dir, String stamp) throws IOException {
        Files.createDirectories(dir);
        file = dir.resolve("bench-" + stamp + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        return file;
    }

    String table() {
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10) + 2;
        StringBuilder sb = new StringBuilder("\n").append(title).append('\n').append("-".repeat(Math.max(60, title.length()))).append('\n');
        for (String[] r : rows) {
            sb.append(String.format(Locale.ROOT, "%-" + width + "s%s%n", r[0], r[1]));
        }
        return sb.toString();
    }

    /** Nearest-rank percentile of unsorted values (p in 0..100); NaN when there are none. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String f0(double v) {
        return Double.isNaN(v) || v < 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }

    static String f1(double v) {
        return Double.isNaN(v) || v < 0 ? "n/a" : String.format(Locale.ROOT, "%,.1f", v);
    }

    private static double round(double v) {
        return Double.isNaN(v) ? -1 : Math.round(v * 100) / 100.0;
    }
}
