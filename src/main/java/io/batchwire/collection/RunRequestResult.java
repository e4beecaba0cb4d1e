package io.batchwire.collection;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import java.time.OffsetDateTime;

/** One request of a run with its full response body ({@code result}, the upstream's JSON as stored). */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RunRequestResult(
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
        @JsonRawValue String result,
        @JsonRawValue String error) {

    static RunRequestResult of(CollectionStore.Outcome o, int index) {
        return new RunRequestResult(index, o.customId(), o.url(), o.method(), RequestStatus.of(o.status()), o.statusCode(),
                o.attempts(), o.startedAt(), o.completedAt(), o.durationMs(), o.result(), o.error());
    }
}
