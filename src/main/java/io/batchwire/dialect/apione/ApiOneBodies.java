package io.batchwire.dialect.apione;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * The OpenAPI schemas of ApiOne's answers (seed 001, snake_case as the seed writes them). {@link ApiOneService} builds
 * the bodies; these records only describe them, and OpenApiWireTest checks real answers against them key by key.
 */
public final class ApiOneBodies {

    private ApiOneBodies() {
    }

    @Schema(name = "ApiOneAccepted", description = "The answer to POST /api/v1/async/enrich")
    public record Accepted(@Schema(enumeration = "success") String status, String jobId, Long estimatedCompletionSeconds,
                           int totalRecords) {
    }

    @Schema(name = "ApiOneStatus", description = "A job as GET /api/v1/async/status/{job_id} shows it")
    public record Status(String jobId, String type,
                         @Schema(enumeration = {"queued", "processing", "completed", "failed"}) String status,
                         int totalRecords, double progress, int processedRecords, int successfulRecords,
                         int failedRecords, Long estimatedCompletionSeconds, String createdAt, String startedAt,
                         String completedAt, String error, String resultsUrl) {
    }

    @Schema(name = "ApiOneResults", description = "Every record of a job, unpaged")
    public record Results(@Schema(enumeration = "success") String status, String jobId,
                          @Schema(enumeration = {"queued", "processing", "completed", "failed"}) String jobStatus,
                          int totalRecords, int processedRecords, int successfulRecords, int failedRecords,
                          List<Result> results) {
    }

    @Schema(name = "ApiOneResult", description = "One record's input and enrichment or error")
    public record Result(int index, String customId, JsonNode input,
                         @Schema(enumeration = {"success", "error", "cancelled", "pending"}) String status,
                         Integer statusCode, JsonNode data,
                         JsonNode error) {
    }

    @Schema(name = "ApiOneLimits", description = "The plan table and the caller's plan")
    public record Limits(String currentPlan, List<Plan> plans) {
    }

    @Schema(name = "ApiOnePlan")
    public record Plan(String plan, int maxRecordsPerJob, int concurrentJobs, String resultRetention,
                       long resultRetentionSeconds) {
    }
}
