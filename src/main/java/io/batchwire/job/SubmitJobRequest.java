package io.batchwire.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** Body of {@code POST /v1/jobs}. Unknown fields are refused. */
@Schema(description = "A batch of records for one upstream type", example = """
        {"type": "company", "records": [{"custom_id": "c-1", "domain": "stripe.com"}, {"domain": "acme.io"}],
         "metadata": {"pipeline": "nightly"}}""")
public record SubmitJobRequest(
        @Schema(description = "Upstream type: one of the configured upstreams, e.g. company, people, email, http", required = true)
        String type,
        @Schema(description = "1..1000 records; each a JSON object, optionally with a custom_id unique in the job", required = true)
        List<JsonNode> records,
        @Schema(description = "Free-form JSON object echoed back in the job status")
        ObjectNode metadata,
        @Schema(description = "Time limit: records not finished by then become timed_out and the job ends (default: the plan's)")
        Integer timeoutSeconds,
        @Schema(description = "Where a signed job.completed / job.failed / job.cancelled webhook is POSTed when the job ends")
        String webhookUrl,
        @Schema(description = "A presigned storage URL the result file is PUT to when the job ends")
        String resultUrl,
        @Schema(description = "Format of the pushed result file and default download format: json, jsonl (default), csv, xlsx")
        String format) {
}
