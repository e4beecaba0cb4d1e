package io.batchwire.upstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one page of an export as its bytes arrive, with Jackson's non-blocking parser: the rows of the array in
 * {@code rows-field} (or of the answer, when it is an array) and the top-level {@code next-field}, without building
 * the answer as a tree. Each row is kept as the bytes the upstream wrote (an object or array row is a slice of the
 * answer; a scalar row is written again); everything else is parsed past and dropped. What is held is bounded by the
 * rows: at most {@code maxRows} rows of at most {@code maxRowBytes} bytes each (a longer string anywhere is refused by
 * the parser's own limit), whatever the answer's size. A row over its bound, a page with too many rows, a body that is
 * not JSON, has no rows array or ends before its JSON does: {@link #end} says so and the page holds nothing.
 *
 * <p>Not thread-safe: one reader per answer, fed on the event loop that reads it.
 */
public final class PageReader {

    private static final String LONG_VALUE = "the upstream's answer holds a value over %d characters (max-row-bytes)";

    /** A page read whole ({@code rows} and {@code next}), or why it is refused ({@code code} and {@code message}). */
    public record Result(List<String> rows, String next, String code, String message) {

        public boolean refused() {
            return code != null;
        }

        static Result refuse(String code, String message) {
            return new Result(List.of(), null, code, message);
        }
    }

    public static final String NOT_A_PAGE = "not_a_page";
    public static final String ROW_TOO_LARGE = "row_too_large";
    public static final String TOO_MANY_ROWS = "too_many_rows";

    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private final String rowsField;
    private final String nextField;
    private final int maxRowBytes;
    private final int maxRows;

    private final List<String> rows = new ArrayList<>();
    private final ByteArrayOutputStream row = new ByteArrayOutputStream();
    private String next;
    private Result refusal;

    /** Nesting after the last token: 0 outside the answer's value. */
    private int level;
    private boolean rootObject;
    private boolean rootClosed;
    /** The level of the rows array's elements; -1 while not inside it. */
    private int rowsLevel = -1;
    private boolean sawRows;
    /** The current top-level field of an object answer. */
    private String field;
    /** Where the row being read starts, in bytes from the answer's first; -1 between rows. */
    private long rowStart = -1;
    /** The bytes of the answer before the current chunk. */
    private long chunkStart;

    /**
     * A reader of one answer. {@code factory} should come from {@link #factory}; {@code nextField} is null when the
     * pagination takes nothing from the answer but its rows.
     */
    public PageReader(JsonFactory factory, String rowsField, String nextField, int maxRowBytes, int maxRows) {
        try {
            this.parser = factory.createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
        this.rowsField = rowsField;
        this.nextField = nextField;
        this.maxRowBytes = maxRowBytes;
        this.maxRows = maxRows;
    }

    /** How deep a page may nest its rows and what they hold (Jackson's default). */
    public static final int MAX_DEPTH = StreamReadConstraints.DEFAULT_MAX_DEPTH;

    /** The parser factory for pages whose rows are at most {@code maxRowBytes}: no longer string is read. */
    public static JsonFactory factory(int maxRowBytes) {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Math.max(1, maxRowBytes))
                        .maxNestingDepth(MAX_DEPTH).build())
                .build();
    }

    /** Reads the next bytes of the answer; false once the page is refused (read no more: {@link #end} says why). */
    public boolean chunk(byte[] bytes) {
        if (refusal != null) {
            return false;
        }
        try {
            feeder.feedInput(bytes, 0, bytes.length);
            drain(bytes);
            if (refusal == null && rowStart >= 0) {
                if (chunkStart + bytes.length - rowStart > maxRowBytes) {
                    tooLarge();
                } else {
                    int from = (int) Math.max(0, rowStart - chunkStart);
                    row.write(bytes, from, bytes.length - from);
                }
            }
        } catch (StreamConstraintsException e) {
            refuse(ROW_TOO_LARGE, LONG_VALUE.formatted(maxRowBytes));
        } catch (IOException e) {
            refuse(NOT_A_PAGE, "the upstream's answer is not JSON: " + firstLine(e.getMessage()));
        }
        chunkStart += bytes.length;
        return refusal == null;
    }

    /** The page, once the answer has ended (or been refused). */
    public Result end() {
        if (refusal == null) {
            try {
                feeder.endOfInput();
                drain(new byte[0]);
            } catch (StreamConstraintsException e) {
                refuse(ROW_TOO_LARGE, LONG_VALUE.formatted(maxRowBytes));
            } catch (IOException e) {
                String m = String.valueOf(e.getMessage());
                refuse(NOT_A_PAGE, m.contains("end-of-input") ? truncated() : "the upstream's answer is not JSON: " + firstLine(m));
            }
        }
        if (refusal == null && !rootClosed) {
            refuse(NOT_A_PAGE, truncated());
        }
        if (refusal == null && !sawRows) {
            refuse(NOT_A_PAGE, "the upstream's answer has no array of rows in '" + rowsField + "'");
        }
        if (refusal != null) {
            rows.clear();
            return refusal;
        }
        close();
        return new Result(List.copyOf(rows), next, null, null);
    }

    /** Hands the parser's buffers back; the reader reads nothing more. */
    private void close() {
        try {
            parser.close();
        } catch (IOException ignored) {
            // nothing more is read
        }
    }

    private void drain(byte[] bytes) throws IOException {
        JsonToken t;
        while (refusal == null && (t = parser.nextToken()) != null && t != JsonToken.NOT_AVAILABLE) {
            if (rootClosed) {
                refuse(NOT_A_PAGE, "the upstream's answer has more after its JSON value");
                return;
            }
            token(t, bytes);
        }
    }

    private void token(JsonToken t, byte[] bytes) throws IOException {
        // Jackson's own string-length constraint is checked only when its text buffer grows, and a buffer recycled
        // from earlier work on this thread may be large enough not to grow: check every finished string here
        if ((t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME) && parser.getTextLength() > maxRowBytes) {
            refuse(ROW_TOO_LARGE, LONG_VALUE.formatted(maxRowBytes));
            return;
        }
        switch (t) {
            case FIELD_NAME -> {
                if (level == 1 && rootObject) {
                    field = parser.currentName();
                }
            }
            case START_OBJECT, START_ARRAY -> {
                if (level == 0) {
                    rootObject = t == JsonToken.START_OBJECT;
                    if (!rootObject) {
                        startRows(1);
                    }
                } else if (rowsLevel == level && rowStart < 0) {
                    // the parser stands just past the marker it returned (it never reads ahead of a marker)
                    startRow(parser.currentLocation().getByteOffset() - 1);
                } else if (level == 1 && rootObject && !sawRows && t == JsonToken.START_ARRAY && rowsField.equals(field)) {
                    startRows(2);
                }
                level++;
            }
            case END_OBJECT, END_ARRAY -> {
                level--;
                if (rowStart >= 0 && level == rowsLevel) {
                    endRow(parser.currentLocation().getByteOffset(), bytes);
                } else if (rowsLevel >= 0 && level == rowsLevel - 1) {
                    rowsLevel = -1;
                }
                if (level == 0) {
                    rootClosed = true;
                }
                if (level == 1) {
                    field = null;
                }
            }
            default -> { // a scalar
                if (level == 0) {
                    refuse(NOT_A_PAGE, "the upstream's answer is a single " + t.asString() + " value, not a page");
                } else if (rowsLevel == level && rowStart < 0) {
                    scalarRow(t);
                } else if (level == 1 && rootObject) {
                    if (nextField != null && nextField.equals(field)) {
                        String text = t == JsonToken.VALUE_NULL ? null : parser.getText();
                        next = text == null || text.isEmpty() ? null : text;
                    }
                    field = null;
                }
            }
        }
    }

    private void startRows(int at) {
        rowsLevel = at;
        sawRows = true;
    }

    private void startRow(long at) {
        if (rows.size() >= maxRows) {
            refuse(TOO_MANY_ROWS, "the page has more than " + maxRows + " rows (max-page-rows)");
            return;
        }
        rowStart = at;
        row.reset();
    }

    private void endRow(long end, byte[] bytes) {
        if (end - rowStart > maxRowBytes) {
            tooLarge();
            return;
        }
        int from = (int) Math.max(0, rowStart - chunkStart);
        row.write(bytes, from, (int) (end - chunkStart) - from);
        rows.add(row.toString(StandardCharsets.UTF_8));
        row.reset();
        rowStart = -1;
    }

    private void scalarRow(JsonToken t) throws IOException {
        if (rows.size() >= maxRows) {
            refuse(TOO_MANY_ROWS, "the page has more than " + maxRows + " rows (max-page-rows)");
            return;
        }
        String text = t == JsonToken.VALUE_STRING
                ? "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(parser.getText())) + "\""
                : parser.getText();
        if (text.length() > maxRowBytes) {
            tooLarge();
            return;
        }
        rows.add(text);
    }

    private void tooLarge() {
        refuse(ROW_TOO_LARGE, "row " + rows.size() + " of the page is over " + maxRowBytes + " bytes (max-row-bytes)");
    }

    private void refuse(String code, String message) {
        if (refusal == null) {
            refusal = Result.refuse(code, message);
            rows.clear();
            row.reset();
            close();
        }
    }

    private String truncated() {
        return chunkStart == 0 ? "the upstream's answer is empty"
                : "the upstream's answer ends after " + chunkStart + " bytes, before its JSON does (truncated)";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) : line;
    }
}
