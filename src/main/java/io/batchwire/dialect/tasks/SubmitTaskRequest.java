package io.batchwire.dialect.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of the task API's {@code POST /v1/tasks} (camelCase, as the seed writes it). Unknown fields are refused. */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
@Schema(description = "One async task: one request to an upstream type", example = """
        {"type": "company", "input": {"domain": "stripe.com"}, "webhook": {"url": "https://example.com/hooks/tasks"},
         "idempotencyKey": "order-1234"}""")
public record SubmitTaskRequest(
        @Schema(description = "Upstream type, e.g. company, people, email, http", required = true) String type,
        @Schema(description = "The task's input: one record of that type", required = true) JsonNode input,
        @Schema(description = "Where the full result is POSTed when the task is done") Webhook webhook,
        @Schema(description = "Means what the Idempotency-Key header means") String idempotencyKey) {

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Webhook(String url) {
    }
}
