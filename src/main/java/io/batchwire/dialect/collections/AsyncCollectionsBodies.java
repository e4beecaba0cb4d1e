package io.batchwire.dialect.collections;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchwire.collection.RunView;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * The OpenAPI schemas of seed 003's answers that are not the engine's own views (a run is {@link RunView} with the
 * dialect's links). {@link AsyncCollectionsResource} builds the bodies; these records only describe them, and
 * OpenApiWireTest checks real answers against them key by key.
 */
public final class AsyncCollectionsBodies {

    private AsyncCollectionsBodies() {
    }

    @Schema(name = "AsyncCollectionCreated", description = "The answer to POST /v1/async/collections")
    public record Created(String id, String name, String message) {
    }

    @Schema(name = "AsyncRunsPage", description = "A collection's runs, newest first, with their total")
    public record RunsPage(long total, List<RunView> items, boolean hasMore, String cursorNext) {
    }

    @Schema(name = "AsyncRunJob", description = "One request of a run; job_id is its index in the collection")
    public record Job(String jobId, int index, String customId, String url, String method,
                      @Schema(description = "true for a browser request; absent otherwise") Boolean browser, String status,
                      Integer statusCode, int attempts, String startedAt, String completedAt, Long durationMs,
                      JsonNode error, String resultLink) {
    }

    @Schema(name = "AsyncRunJobsPage", description = "A run's jobs, cursor-paged")
    public record JobsPage(List<Job> items, boolean hasMore, String cursorNext) {
    }

    @Schema(name = "AsyncRunJobResult", description = "One job of a run with its full response")
    public record JobResult(String jobId, int index, String customId, String url, String method,
                            @Schema(description = "true for a browser request; absent otherwise") Boolean browser,
                            String status, Integer statusCode, int attempts, String startedAt, String completedAt,
                            Long durationMs, JsonNode error, String resultLink,
                            @Schema(description = "The upstream's answer (HTML or data); a browser request's rendered HTML") JsonNode result,
                            @Schema(description = "A browser request's base64 screenshot (null when none was taken); absent for other requests") String screenshot) {
    }
}
