package io.batchwire.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchwire.outbound.OutboundClient;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A template upstream's URL with {@code {field}} placeholders, parsed once: {@link #expand} fills in a record's fields,
 * form-encoded, with no regular expression on each record's path.
 */
final class UrlTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");

    /** The record fields named, in order. */
    private final List<String> names;
    /** The text around them: one more piece than names; with an {@link #origin}, of the path and query only. */
    private final List<String> pieces;
    /** Where every record's request goes, when no placeholder is in the scheme, host or port; else null. */
    private final OutboundClient.Origin origin;

    private UrlTemplate(List<String> names, List<String> pieces, OutboundClient.Origin origin) {
        this.names = List.copyOf(names);
        this.pieces = List.copyOf(pieces);
        this.origin = origin;
    }

    static UrlTemplate parse(String url) {
        List<String> names = new ArrayList<>();
        List<String> pieces = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(url);
        int from = 0;
        while (m.find()) {
            pieces.add(url.substring(from, m.start()));
            names.add(m.group(1));
            from = m.end();
        }
        pieces.add(url.substring(from));
        int pathAt = pathStart(pieces.getFirst());
        OutboundClient.Origin origin = pathAt < 0 || url.indexOf('#') >= 0 ? null : origin(pieces.getFirst().substring(0, pathAt));
        if (origin != null) {
            String path = pieces.getFirst().substring(pathAt);
            pieces.set(0, path.startsWith("/") ? path : "/" + path);
        }
        return new UrlTemplate(names, pieces, origin);
    }

    /** Where the path (or the query) starts after {@code scheme://authority} in {@code head}; -1 if not in it. */
    private static int pathStart(String head) {
        int authority = head.indexOf("://");
        if (authority < 0) {
            return -1;
        }
        for (int i = authority + 3; i < head.length(); i++) {
            char c = head.charAt(i);
            if (c == '/' || c == '?') {
                return i;
            }
        }
        return -1; // the authority runs on into a placeholder, or the URL is only an origin
    }

    /**
     * The origin of {@code scheme://host[:port]}, found once; null for what the client should parse itself (userinfo,
     * an IPv6 literal, another scheme, a malformed port).
     */
    private static OutboundClient.Origin origin(String text) {
        int sep = text.indexOf("://");
        String scheme = text.substring(0, sep).toLowerCase(java.util.Locale.ROOT);
        String authority = text.substring(sep + 3);
        if (!scheme.equals("http") && !scheme.equals("https") || authority.isEmpty() || authority.contains("@")
                || authority.startsWith("[")) {
            return null;
        }
        boolean ssl = scheme.equals("https");
        int colon = authority.indexOf(':');
        int port = ssl ? 443 : 80;
        String host = authority;
        if (colon >= 0) {
            host = authority.substring(0, colon);
            try {
                port = Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            if (port < 1 || port > 65535 || host.isEmpty()) {
                return null;
            }
        }
        return new OutboundClient.Origin(host, port, ssl);
    }

    /** Where every record's request goes (then {@link #expand} is the path and query), or null (then the whole URL). */
    OutboundClient.Origin origin() {
        return origin;
    }

    /** The fields a record must have. */
    List<String> names() {
        return names;
    }

    /**
     * The URL for one record (with an {@link #origin}, its path and query): each placeholder replaced by the record's
     * field as text, form-encoded (UTF-8).
     */
    String expand(JsonNode record) {
        StringBuilder sb = new StringBuilder(pieces.get(0));
        for (int i = 0; i < names.size(); i++) {
            sb.append(URLEncoder.encode(record.path(names.get(i)).asText(), StandardCharsets.UTF_8)).append(pieces.get(i + 1));
        }
        return sb.toString();
    }
}
