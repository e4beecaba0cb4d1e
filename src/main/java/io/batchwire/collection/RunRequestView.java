package io.batchwire.collection;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import java.time.OffsetDateTime;

/**
 * One request of a run in the run's listing: the request (collection index, custom_id, url, method) and its outcome,
 * without the response body ({@code result_link} has it).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RunRequestView(
        int index,
        String customId,
        String url,
        String method,
        RequestStatus status,
        Integer statusCode,
        int attempts,
        OffsetDateTime startedAt,
        OffsetDateTime completedAt,
        Long durationMs,
        @JsonRawValue String error,
        String resultLink) {

    static RunRequestView of(CollectionStore.Outcome o, int index, String runLink) {
        return new RunRequestView(index, o.customId(), o.url(), o.method(), RequestStatus.of(o.status()), o.statusCode(),
                o.attempts(), o.startedAt(), o.completedAt(), o.durationMs(), o.error(),
                runLink + "/jobs/" + index + "/result");
    }
}
