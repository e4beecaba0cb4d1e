package io.batchwire.dialect.apione;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** Body of ApiOne's {@code POST /api/v1/async/enrich}. Unknown fields are refused. */
@Schema(description = "An ApiOne async enrichment job", example = """
        {"type": "company", "records": [{"domain": "stripe.com"}, {"domain": "shopify.com"}],
         "webhook_url": "https://your-server.com/webhooks/apione"}""")
public record EnrichRequest(
        @Schema(description = "Enrichment type: company, people or email", required = true) String type,
        @Schema(description = "Input objects, at most the plan's records per job (1,000)", required = true) List<JsonNode> records,
        @Schema(description = "Where the results are POSTed when the job completes") String webhookUrl) {
}
