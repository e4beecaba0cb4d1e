package io.batchwire.result.export;

import io.batchwire.job.ExportFormat;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import org.jboss.resteasy.reactive.RestMulti;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A results file ready to stream: its bytes (read as they are sent) and the headers that describe it. */
public record Download(UUID jobId, ExportFormat format, Multi<Buffer> body) {

    public String filename() {
        return jobId + "." + format.extension();
    }

    public Map<String, List<String>> headers() {
        return Map.of(
                "Content-Type", List.of(format.mediaType()),
                "Content-Disposition", List.of("attachment; filename=\"" + filename() + "\""),
                // the file holds a tenant's data, and a signed link is a credential of sorts: keep both out of caches
                "Cache-Control", List.of("private, no-store"),
                "X-Content-Type-Options", List.of("nosniff"),
                "Referrer-Policy", List.of("no-referrer"));
    }

    /** The HTTP answer: headers once the download is open, then the body as it streams; a failure before is a problem. */
    static RestMulti<Buffer> respond(Uni<Download> download) {
        return RestMulti.fromUniResponse(download, Download::body, Download::headers);
    }
}
