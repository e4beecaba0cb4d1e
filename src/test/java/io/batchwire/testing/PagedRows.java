package io.batchwire.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A paginated sync endpoint, as the Vainu pattern's upstream: {@code POST /paged/cursor} or {@code /paged/offset} with
 * a payload {@code {"rows": N, "page_size": P}} answers {@code {"results": [...], "next": cursor}} (the cursor is the
 * next row number as text, null at the end), or for {@code /offset} reads {@code offset} and {@code limit} from the
 * payload, or for {@code /link} answers the next page's absolute URL ({@code ?from=}) in {@code next}. Row {@code i} is {@code {"id": i, "name": "org-i", "country": "FI"}}: the rows are numbered, so a test
 * can check that every row came exactly once, in order. A payload with {@code "bad": true} is answered 400 with a
 * problem body, as a sync endpoint refuses a query it does not understand. {@code "cycle": true} answers the third
 * page's request with the second page's cursor again (A, B, A); {@code "hostile": "big_row" | "many_rows" |
 * "truncated" | "malformed" | "no_rows"} spoils the pages from row {@code hostile_at} on; {@code "odd": true} writes
 * {@link #oddRow}s.
 */
public final class PagedRows {

    private static final AtomicLong PAGES = new AtomicLong();

    private PagedRows() {
    }

    /** Pages answered so far, by this JVM. */
    public static long pages() {
        return PAGES.get();
    }

    /** The row {@code i} as the endpoint writes it. */
    public static String row(long i) {
        return "{\"id\":" + i + ",\"name\":\"org-" + i + "\",\"country\":\"FI\"}";
    }

    /**
     * The row {@code i} of a payload with {@code "odd": true}: JSON past what the service takes in a request (nested
     * {@value #ODD_DEPTH} arrays deep, a number of {@value #ODD_DIGITS} digits, a field name of {@value #ODD_NAME}
     * characters), yet well within a row's bytes.
     */
    public static String oddRow(long i) {
        return "{\"id\":" + i + ",\"deep\":" + "[".repeat(ODD_DEPTH) + i + "]".repeat(ODD_DEPTH)
                + ",\"big\":" + "9".repeat(ODD_DIGITS) + ",\"" + "n".repeat(ODD_NAME) + "\":true}";
    }

    public static final int ODD_DEPTH = 40;
    public static final int ODD_DIGITS = 150;
    public static final int ODD_NAME = 1_200;

    public static void handle(HttpServerRequest req, Buffer body) {
        JsonObject payload = body.length() == 0 ? new JsonObject() : new JsonObject(body);
        if (payload.getBoolean("bad", false)) {
            req.response().setStatusCode(400).putHeader("Content-Type", "application/problem+json")
                    .end("{\"title\":\"Bad query\",\"detail\":\"unknown field 'bad' in the query\"}");
            return;
        }
        long total = payload.getLong("rows", 10L);
        boolean offset = req.path().endsWith("/offset");
        boolean link = req.path().endsWith("/link");
        long from;
        int size;
        if (link) {
            from = req.getParam("from") == null ? 0 : Long.parseLong(req.getParam("from"));
            size = payload.getInteger("page_size", 1000);
        } else if (offset) {
            from = payload.getLong("offset", 0L);
            size = payload.getInteger("limit", 100);
        } else {
            String cursor = payload.getString("cursor");
            from = cursor == null ? 0 : Long.parseLong(cursor);
            size = payload.getInteger("page_size", 1000);
        }
        long to = Math.min(total, from + size);
        PAGES.incrementAndGet();
        StringBuilder out = new StringBuilder(64 + (int) (to - from) * 48).append("{\"results\":[");
        for (long i = from; i < to; i++) {
            if (i > from) {
                out.append(',');
            }
            out.append(payload.getBoolean("odd", false) ? oddRow(i) : row(i));
        }
        String next = payload.getBoolean("stuck", false) ? "\"" + from + "\"" // a cursor that never advances
                : payload.getBoolean("cycle", false) && from == 2L * size ? "\"" + size + "\"" // A, B, then A again
                : to >= total ? "null"
                : link ? "\"http://" + req.getHeader("Host") + req.path() + "?from=" + to + "\"" : "\"" + to + "\"";
        out.append("],\"next\":").append(next).append('}');
        // a hostile or broken page from row "hostile_at" on: the pages before it are well-formed
        String hostile = payload.getString("hostile");
        if (hostile != null && from >= payload.getLong("hostile_at", 0L)) {
            String page = out.toString();
            String bad = switch (hostile) {
                // a row far over max-row-bytes, inside an otherwise good page
                case "big_row" -> page.replaceFirst("\"country\":\"FI\"", "\"country\":\"FI\",\"blob\":["
                        + "1,".repeat(5_000) + "1]");
                // more rows than max-page-rows
                case "many_rows" -> "{\"results\":[" + "{},".repeat(2_500) + "{}],\"next\":null}";
                // the answer ends (cleanly, as far as HTTP goes) in the middle of its JSON
                case "truncated" -> page.substring(0, page.length() / 2);
                // not JSON after a good start
                case "malformed" -> page.substring(0, page.length() / 2) + "}}]]nonsense";
                // a 200 that is not a page at all
                case "no_rows" -> "{\"data\":[1,2,3],\"next\":null}";
                default -> page;
            };
            out.setLength(0);
            out.append(bad);
        }
        long delay = payload.getLong("delay_ms", 0L);
        Runnable answer = () -> req.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(out.toString());
        if (delay > 0) {
            io.vertx.core.Vertx.currentContext().owner().setTimer(delay, t -> answer.run());
        } else {
            answer.run();
        }
    }
}
