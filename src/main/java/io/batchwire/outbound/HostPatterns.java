package io.batchwire.outbound;

import java.util.List;
import java.util.Locale;

/**
 * Host names an outbound call may (or may not) reach: exact names ({@code api.example.com}) and suffix patterns
 * ({@code *.example.com}: any sub-domain, not the domain itself). Case-insensitive; an empty list matches nothing.
 */
public record HostPatterns(List<String> exact, List<String> suffixes) {

    public static HostPatterns of(List<String> patterns) {
        List<String> clean = patterns.stream().map(p -> p.trim().toLowerCase(Locale.ROOT)).filter(p -> !p.isEmpty()).toList();
        return new HostPatterns(clean.stream().filter(p -> !p.startsWith("*.")).toList(),
                clean.stream().filter(p -> p.startsWith("*.")).map(p -> p.substring(1)).toList());
    }

    public boolean isEmpty() {
        return exact.isEmpty() && suffixes.isEmpty();
    }

    public boolean matches(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1); // the root label: "example.com." is "example.com"
        }
        if (exact.contains(h)) {
            return true;
        }
        for (String s : suffixes) {
            if (h.endsWith(s) && h.length() > s.length()) {
                return true;
            }
        }
        return false;
    }
}
