package io.batchwire.delivery;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.List;

/**
 * A dialect's own webhook: what its jobs' webhook POST carries and when it retries. A job belongs to a style when its
 * metadata names it ({@code "dialect": "<name>"}); other jobs get the standard body and schedule. The POST is signed
 * per Standard Webhooks whatever the style. Implemented by the dialects above.
 */
public interface WebhookStyle {

    /** The dialect name the job's metadata carries. */
    String dialect();

    /** The body of the job's webhook (built once, for the first attempt; retries send the same bytes). */
    Uni<String> payload(DeliveryStore.Due due);

    /** Waits between attempts (attempts = waits + 1, at most the delivery's own); empty: the deliveries' schedule. */
    default List<Duration> retrySchedule() {
        return List.of();
    }
}
