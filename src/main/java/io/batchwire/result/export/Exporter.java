package io.batchwire.result.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.job.ExportFormat;
import io.batchwire.result.RecordView;
import io.batchwire.result.ResultQuery;
import io.batchwire.result.ResultStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Writes a job's results file as a stream. Records are read a page at a time in index order (keyset on idx); each
 * page is written and handed on as one chunk, and the next page is read only when the subscriber asks for the next
 * chunk. A page holds at most {@code page-size} records and is cut to about {@code page-bytes} of bodies (sized
 * from the largest record of the page before; the first page is small), so memory is bounded by configuration,
 * whatever the job's size and however slow the reader. Writing a page is CPU work (tens of milliseconds for a
 * megabyte of XLSX), so it runs on a worker thread rather than the event loop; nothing in it waits on I/O.
 * <p>
 * A job that is still running exports what is stored so far; its pending records show as {@code pending}.
 */
@ApplicationScoped
public class Exporter {

    static final int FIRST_PAGE = 16;
    /** Allowance per record for its fixed fields, on top of its bodies. */
    private static final int RECORD_OVERHEAD = 256;

    private final ResultStore results;
    private final ExportStore store;
    private final ObjectMapper json;
    private final DownloadsConfig config;

    public Exporter(ResultStore results, ExportStore store, ObjectMapper json, DownloadsConfig config) {
        this.results = results;
        this.store = store;
        this.json = json;
        this.config = config;
    }

    /** The file's bytes, one chunk per page; each subscription reads the database anew. */
    public Multi<Buffer> stream(UUID jobId, ExportFormat format) {
        return store.isExport(jobId).onItem().transformToMulti(export -> {
            Uni<ResultColumns> columns = !format.tabular() ? Uni.createFrom().item(ResultColumns.NONE)
                    : export ? store.rowColumns(jobId, config.maxResultColumns())
                    : store.columns(jobId, config.maxResultColumns());
            return stream(jobId, format, columns, export);
        });
    }

    private Multi<Buffer> stream(UUID jobId, ExportFormat format, Uni<ResultColumns> columns, boolean export) {
        return columns.onItem().transformToMulti(layout -> Multi.createBy().repeating()
                        .uni(() -> new Run(jobId, format, layout, export), Run::next)
                        .whilst(chunk -> !chunk.last()))
                .map(Chunk::bytes)
                .select().where(bytes -> bytes.length() > 0);
    }

    private record Chunk(Buffer bytes, boolean last) {
    }

    /** One export in progress: its writer, where the next page starts, and how many records it may hold. */
    private final class Run {

        private final UUID jobId;
        private final ExportFormat format;
        private final ResultColumns layout;
        private final ChunkSink sink = new ChunkSink();
        private ExportWriter writer;
        private final boolean export;
        private Long after;
        private int limit = Math.min(FIRST_PAGE, config.pageSize());

        Run(UUID jobId, ExportFormat format, ResultColumns layout, boolean export) {
            this.jobId = jobId;
            this.format = format;
            this.layout = layout;
            this.export = export;
        }

        Uni<Chunk> next() {
            if (export) {
                int asked = limit;
                return store.rows(jobId, after == null ? -1 : after, asked)
                        .emitOn(Infrastructure.getDefaultWorkerPool())
                        .map(rows -> writeRows(rows, asked));
            }
            int asked = limit;
            ResultQuery page = new ResultQuery(jobId, ResultQuery.Order.INDEX, Set.of(), null, asked);
            return results.page(page, after)
                    .emitOn(Infrastructure.getDefaultWorkerPool())
                    .map(rows -> write(rows, asked));
        }

        private Chunk write(List<ResultStore.Keyed> rows, int asked) {
            try {
                if (writer == null) {
                    writer = open();
                }
                int largest = 0;
                for (ResultStore.Keyed row : rows) {
                    writer.write(row.result());
                    largest = Math.max(largest, size(row.result()));
                }
                boolean last = rows.size() < asked;
                if (last) {
                    writer.finish();
                } else {
                    writer.flush();
                    after = rows.getLast().key();
                    limit = Math.clamp(config.pageBytes() / Math.max(1, largest), 1, config.pageSize());
                }
                return new Chunk(sink.drain(), last);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A page of an export's rows: as {@link #write}, sized by the largest row of the page before. */
        private Chunk writeRows(List<ExportStore.Numbered> rows, int asked) {
            try {
                if (writer == null) {
                    writer = open();
                }
                int largest = 0;
                for (ExportStore.Numbered row : rows) {
                    writer.writeRow(row.body());
                    largest = Math.max(largest, row.body().length());
                }
                boolean last = rows.size() < asked;
                if (last) {
                    writer.finish();
                } else {
                    writer.flush();
                    after = rows.getLast().rowNo();
                    limit = Math.clamp(config.pageBytes() / Math.max(1, largest), 1, config.pageSize());
                }
                return new Chunk(sink.drain(), last);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private ExportWriter open() throws IOException {
            return switch (format) {
                case JSON -> new JsonArrayWriter(sink, json);
                case JSONL -> new JsonLinesWriter(sink, json);
                case CSV -> new CsvWriter(sink, layout, json);
                case XLSX -> new XlsxWriter(sink, layout, json);
            };
        }
    }

    private static int size(RecordView r) {
        return RECORD_OVERHEAD + (r.result() == null ? 0 : r.result().length()) + (r.error() == null ? 0 : r.error().length());
    }
}
