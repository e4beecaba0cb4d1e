package io.batchwire.upstream;

import com.fasterxml.jackson.databind.JsonNode;

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
    /** The text around them: one more piece than names. */
    private final List<String> pieces;

    private UrlTemplate(List<String> names, List<String> pieces) {
        this.names = List.copyOf(names);
        this.pieces = List.copyOf(pieces);
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
        return new UrlTemplate(names, pieces);
    }

    /** The fields a record must have. */
    List<String> names() {
        return names;
    }

    /** The URL for one record: each placeholder replaced by the record's field as text, form-encoded (UTF-8). */
    String expand(JsonNode record) {
        StringBuilder sb = new StringBuilder(pieces.get(0));
        for (int i = 0; i < names.size(); i++) {
            sb.append(URLEncoder.encode(record.path(names.get(i)).asText(), StandardCharsets.UTF_8)).append(pieces.get(i + 1));
        }
        return sb.toString();
    }
}
