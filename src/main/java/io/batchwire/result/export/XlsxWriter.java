package io.batchwire.result.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.result.RecordView;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * {@code xlsx}: one sheet, a bold frozen header row, the {@link ResultColumns} layout. Numbers are numbers,
 * booleans booleans, timestamps Excel date-times in UTC. Strings are written inline (not into the shared-strings
 * table, which would be held in memory until the end) and rows are flushed to the stream after every page.
 * Excel limits: a cell holds at most 32,767 characters (longer text is cut, ending in …; the other formats keep
 * it whole), and integers beyond 2^53 would lose digits as numbers, so they are written as text.
 */
final class XlsxWriter implements ExportWriter {

    static final int MAX_CELL_CHARS = 32_767;
    static final String TIMESTAMP_FORMAT = "yyyy-mm-dd hh:mm:ss.000";
    private static final long MAX_EXACT_INTEGER = 1L << 53;

    private final Workbook book;
    private final Worksheet sheet;
    private final Flattener rows;
    private int row = 1;

    XlsxWriter(OutputStream sink, ResultColumns columns, ObjectMapper json) {
        this.book = new Workbook(sink, "Batchwire", "1.0");
        // deflate's fastest level: about twice as fast as the default, for a file a few per cent larger
        book.setCompressionLevel(1);
        this.sheet = book.newWorksheet("results");
        this.rows = new Flattener(columns, json);
        List<String> header = columns.header();
        for (int c = 0; c < header.size(); c++) {
            sheet.inlineString(0, c, header.get(c));
            sheet.width(c, c == 5 || c == 6 ? 24 : Math.max(10, Math.min(40, header.get(c).length() + 4)));
        }
        sheet.range(0, 0, 0, header.size() - 1).style().bold().set();
        sheet.freezePane(0, 1);
    }

    @Override
    public void write(RecordView record) {
        Object[] cells = rows.row(record);
        for (int c = 0; c < cells.length; c++) {
            cell(c, cells[c]);
        }
        row++;
    }

    private void cell(int c, Object v) {
        switch (v) {
            case null -> { }
            case String s -> sheet.inlineString(row, c, s.length() > MAX_CELL_CHARS ? s.substring(0, MAX_CELL_CHARS - 1) + "…" : s);
            case Boolean b -> sheet.value(row, c, b);
            case OffsetDateTime t -> {
                sheet.value(row, c, t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
                sheet.style(row, c).format(TIMESTAMP_FORMAT).set();
            }
            case BigInteger i when i.abs().compareTo(BigInteger.valueOf(MAX_EXACT_INTEGER)) > 0 -> sheet.inlineString(row, c, i.toString());
            case Long l when l > MAX_EXACT_INTEGER || l < -MAX_EXACT_INTEGER -> sheet.inlineString(row, c, l.toString());
            case BigDecimal d -> sheet.value(row, c, d);
            case Number n -> sheet.value(row, c, n);
            default -> sheet.inlineString(row, c, v.toString());
        }
    }

    @Override
    public void writeRow(String json) {
        Object[] cells = rows.row(rows.parseRow(json));
        for (int c = 0; c < cells.length; c++) {
            cell(c, cells[c]);
        }
        row++;
    }

    @Override
    public void flush() throws IOException {
        sheet.flush();
    }

    @Override
    public void finish() throws IOException {
        book.finish();
    }
}
