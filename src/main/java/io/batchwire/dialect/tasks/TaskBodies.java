package io.batchwire.dialect.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The OpenAPI schemas of the task API's answers (seed 002: camelCase, as the seed writes them, hence the naming
 * override of the document's global snake_case). {@link TaskService} builds the bodies; these records only describe
 * them, and OpenApiWireTest checks real answers against them key by key.
 */
public final class TaskBodies {

    private TaskBodies() {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    @Schema(name = "TaskAccepted", description = "The answer to POST /v1/tasks")
    public record Accepted(String taskId, @Schema(enumeration = {"pending", "processing", "completed", "failed"}) String status) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    @Schema(name = "Task", description = "A task; statusCode, attempts, result and error once it is done")
    public record Task(String taskId, String type,
                       @Schema(enumeration = {"pending", "processing", "completed", "failed"}) String status,
                       String createdAt, String startedAt, String completedAt, Integer statusCode, Integer attempts,
                       @Schema(description = "The upstream's answer") JsonNode result,
                       @Schema(description = "Why the task failed: the request's error object, or a message when the task could not run") JsonNode error) {
    }
}
