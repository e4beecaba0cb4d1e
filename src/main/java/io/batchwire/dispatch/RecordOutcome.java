package io.batchwire.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchwire.job.RecordState;

import java.time.Instant;
import java.util.UUID;

/**
 * One terminal record outcome on the status topic. The status writer stores the first one per record;
 * any later copy (redelivery, retry, duplicate send) changes nothing.
 */
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
public record RecordOutcome(
        UUID jobId,
        int index,
        RecordState status,
        Integer statusCode,
        int attempts,
        Instant startedAt,
        long durationMs,
        @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = OutcomeResultReader.class) JsonNode result,
        RecordError error) {

    public record RecordError(String code, String message) {
    }
}
