package io.batchwire.result.export;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.batchwire.result.RecordView;

import java.io.IOException;
import java.io.OutputStream;

/** {@code json}: one array of the objects the results API returns. */
final class JsonArrayWriter implements ExportWriter {

    private final JsonGenerator out;
    private final ObjectWriter records;

    JsonArrayWriter(OutputStream sink, ObjectMapper json) throws IOException {
        this.out = json.getFactory().createGenerator(sink);
        this.records = json.writerFor(RecordView.class);
        out.writeStartArray();
    }

    @Override
    public void write(RecordView record) throws IOException {
        records.writeValue(out, record);
    }

    @Override
    public void writeRow(String row) throws IOException {
        out.writeRawValue(row);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void finish() throws IOException {
        out.writeEndArray();
        out.close();
    }
}
