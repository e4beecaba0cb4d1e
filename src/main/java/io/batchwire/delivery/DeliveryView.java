package io.batchwire.delivery;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A delivery as {@code GET /v1/jobs/{id}/deliveries} shows it, with its attempt log. */
public record DeliveryView(UUID id, String kind, String eventType, String messageId, String url, String state,
                           int attempts, int maxAttempts, OffsetDateTime nextAttemptAt, Integer lastStatusCode,
                           String lastError, OffsetDateTime createdAt, OffsetDateTime deliveredAt,
                           List<AttemptView> attemptLog) {

    public record AttemptView(int attempt, OffsetDateTime startedAt, Integer statusCode, Integer latencyMs, String error) {
    }
}
