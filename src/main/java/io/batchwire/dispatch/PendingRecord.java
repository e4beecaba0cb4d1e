package io.batchwire.dispatch;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.UUID;

/** A record still waiting for its outcome, as the dispatcher reads it from the store. */
public record PendingRecord(UUID jobId, int index, String customId, JsonNode input) {
}
