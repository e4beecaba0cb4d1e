package io.batchwire.result.export;

import io.batchwire.result.RecordView;

import java.io.IOException;

/**
 * Writes one export file to an output stream a record at a time, holding no more than the current record (and the
 * format's small buffers). {@link #flush} is called after every page so that the bytes so far reach the stream.
 */
interface ExportWriter {

    void write(RecordView record) throws IOException;

    /** One row of an export job, as its stored JSON text. */
    void writeRow(String row) throws IOException;

    void flush() throws IOException;

    /** Writes what closes the file (the array's end, the workbook's parts). */
    void finish() throws IOException;
}
