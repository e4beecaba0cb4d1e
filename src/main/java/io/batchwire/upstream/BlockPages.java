package io.batchwire.upstream;

import io.vertx.core.buffer.Buffer;

import java.util.Locale;
import java.util.function.Function;

/**
 * Tells a captcha or block page from content: a challenge header ({@code block-headers}), or, in an HTML answer, a
 * marker ({@code block-markers}) in its first {@code block-scan-bytes}. The markers are configuration per upstream.
 */
final class BlockPages {

    private BlockPages() {
    }

    /** What gave the page away, or null when it is content. */
    static String signal(UpstreamConfig.Upstream cfg, Function<String, String> header, Buffer body) {
        for (String rule : cfg.blockHeaders()) {
            int eq = rule.indexOf('=');
            String name = (eq < 0 ? rule : rule.substring(0, eq)).trim();
            String wanted = eq < 0 ? null : rule.substring(eq + 1).trim();
            String value = name.isEmpty() ? null : header.apply(name);
            if (value != null && (wanted == null || value.trim().equalsIgnoreCase(wanted))) {
                return "header " + name + ": " + value.trim();
            }
        }
        if (body == null || body.length() == 0 || cfg.blockMarkers().isEmpty()) {
            return null;
        }
        // an answer that says it is not HTML (the JSON of nearly every record) is not decoded at all
        String type = header.apply("Content-Type");
        if (type != null && !type.toLowerCase(Locale.ROOT).contains("html")) {
            return null;
        }
        int scan = Math.min(body.length(), cfg.blockScanBytes());
        String head = body.getString(0, scan).toLowerCase(Locale.ROOT);
        if (type == null && !head.stripLeading().startsWith("<")) {
            return null;
        }
        for (String marker : cfg.blockMarkers()) {
            String m = marker.trim().toLowerCase(Locale.ROOT);
            if (!m.isEmpty() && head.contains(m)) {
                return "marker '" + marker.trim() + "' in the page";
            }
        }
        return null;
    }
}
