package io.batchwire.result;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.batchwire.api.AbsoluteLink;
import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonView;

import java.time.OffsetDateTime;

/**
 * One record's outcome as the API shows it, in every view: a job's results, and a collection run's requests (which
 * add the request's {@code url}, {@code method} and whether it is a browser request, name the states in the collection's terms, and, in the listing,
 * leave the body out for a {@code result_link}). {@code result} and {@code error} are stored JSON, passed through.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RecordView(
        int index,
        String customId,
        @JsonInclude(JsonInclude.Include.NON_NULL) String url,
        @JsonInclude(JsonInclude.Include.NON_NULL) String method,
        @Schema(description = "true for a browser request (made by the rendering upstream: its result is {html, screenshot}); absent otherwise")
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean browser,
        String status,
        Integer statusCode,
        int attempts,
        OffsetDateTime startedAt,
        OffsetDateTime completedAt,
        Long durationMs,
        @Schema(implementation = JsonNode.class, description = "The upstream's answer (stored JSON)")
        @JsonView(WithBody.class) @JsonRawValue String result,
        @Schema(implementation = JsonNode.class, description = "Why the record did not succeed (stored JSON)")
        @JsonRawValue String error,
        @JsonSerialize(using = AbsoluteLink.class) @JsonInclude(JsonInclude.Include.NON_NULL) String resultLink) {

    /** Views that show the response body ({@code result}); without a view every field is shown. */
    public interface WithBody {
    }

    /** The listing of a run's requests: no bodies ({@code result_link} points to them). */
    public interface Listing {
    }

    /** A job's record, as {@code /v1/jobs/{id}/results} shows it. */
    public static RecordView ofJob(int index, String customId, String status, Integer statusCode, int attempts,
                                   OffsetDateTime startedAt, OffsetDateTime completedAt, Long durationMs, String result,
                                   String error) {
        return new RecordView(index, customId, null, null, null, status, statusCode, attempts, startedAt, completedAt,
                durationMs, result, error, null);
    }
}
