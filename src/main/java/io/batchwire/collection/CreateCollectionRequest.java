package io.batchwire.collection;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** Body of {@code POST /v1/collections}. Unknown fields are refused. */
@Schema(description = "A named set of http requests to run again and again", example = """
        {"name": "nightly health checks",
         "requests": [{"custom_id": "status", "url": "https://api.example.com/status"},
                      {"custom_id": "search", "url": "https://api.example.com/search", "method": "POST",
                       "headers": {"Accept": "application/json"}, "body": {"q": "batchwire"}}]}""")
public record CreateCollectionRequest(
        @Schema(description = "A name for people; need not be unique", required = true)
        String name,
        @Schema(description = "1 to the plan's max records per job; each an http record {url, method, headers, body}, "
                + "optionally with a custom_id unique in the collection", required = true)
        List<JsonNode> requests,
        @Schema(description = "Given to every run: where its signed job.completed / job.failed / job.cancelled webhook is POSTed")
        String webhookUrl,
        @Schema(description = "The worker-level time limit of each request of a run, in seconds, over all its attempts: "
                + "a request still without its answer then is timeout (timeout_requests). Default: the service's "
                + "batchwire.collections.request-timeout (30 s)")
        Integer requestTimeoutSeconds) {
}
