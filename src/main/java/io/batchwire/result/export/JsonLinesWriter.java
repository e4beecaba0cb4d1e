package io.batchwire.result.export;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.batchwire.result.RecordView;

import java.io.IOException;
import java.io.OutputStream;

/** {@code jsonl}: one results-API object per line, every line ended by {@code \n}. */
final class JsonLinesWriter implements ExportWriter {

    private final JsonGenerator out;
    private final ObjectWriter records;

    JsonLinesWriter(OutputStream sink, ObjectMapper json) throws IOException {
        this.out = json.getFactory().createGenerator(sink);
        // no separator between root values: each line ends with its own newline
        out.setRootValueSeparator(null);
        this.records = json.writerFor(RecordView.class);
    }

    @Override
    public void write(RecordView record) throws IOException {
        records.writeValue(out, record);
        out.writeRaw('\n');
    }

    @Override
    public void writeRow(String row) throws IOException {
        out.writeRawValue(row);
        out.writeRaw('\n');
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void finish() throws IOException {
        out.close();
    }
}
