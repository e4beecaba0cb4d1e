package io.batchwire.result;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.batchwire.job.RecordState;

import java.time.OffsetDateTime;

/** One record's outcome as the API shows it; {@code result} and {@code error} are stored JSON, passed through. */
public record RecordResult(
        int index,
        String customId,
        RecordState status,
        Integer statusCode,
        int attempts,
        OffsetDateTime startedAt,
        OffsetDateTime completedAt,
        Long durationMs,
        @JsonRawValue String result,
        @JsonRawValue String error) {
}
