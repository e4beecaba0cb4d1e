package io.batchwire.delivery;

import io.smallrye.mutiny.Uni;

/** Sends one kind of delivery. The worker claims a delivery, asks its kind's sender, and records what happened. */
public interface DeliverySender {

    DeliveryKind kind();

    /**
     * The body this kind sends, built at the first attempt and then kept, so every retry and redelivery sends the
     * same bytes under the same message id; null when there is none to keep (the result file is written at each
     * attempt from the stored results).
     */
    Uni<String> payload(DeliveryStore.Due due);

    /** Makes one attempt; the receiver's status code (or a failure: no answer, refused by policy). */
    Uni<Integer> send(DeliveryStore.Due due, String payload);

    /** Whether this answer means "never again" (a webhook receiver's 410 Gone). */
    default boolean stopsOn(int statusCode) {
        return false;
    }
}
