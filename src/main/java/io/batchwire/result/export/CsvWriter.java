package io.batchwire.result.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.batchwire.result.RecordView;

import java.io.IOException;
import java.io.OutputStream;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** {@code csv}: RFC 4180 (CRLF, quoted where needed), a header row, the {@link ResultColumns} layout. */
final class CsvWriter implements ExportWriter {

    private static final CsvMapper CSV = new CsvMapper();

    private final SequenceWriter out;
    private final Flattener rows;

    CsvWriter(OutputStream sink, ResultColumns columns, ObjectMapper json) throws IOException {
        CsvSchema.Builder schema = CsvSchema.builder();
        columns.header().forEach(schema::addColumn);
        this.out = CSV.writer(schema.setUseHeader(true).setLineSeparator("\r\n").build()).writeValues(sink);
        this.rows = new Flattener(columns, json);
    }

    @Override
    public void write(RecordView record) throws IOException {
        Object[] cells = rows.row(record);
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            text[i] = text(cells[i]);
        }
        out.write(text);
    }

    @Override
    public void writeRow(String row) throws IOException {
        Object[] cells = rows.row(rows.parseRow(row));
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            text[i] = text(cells[i]);
        }
        out.write(text);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void finish() throws IOException {
        out.close();
    }

    /** Timestamps as RFC 3339 (as the JSON formats show them), everything else as its JSON text. */
    static String text(Object cell) {
        if (cell == null) {
            return null;
        }
        if (cell instanceof OffsetDateTime t) {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
        }
        return cell.toString();
    }
}
