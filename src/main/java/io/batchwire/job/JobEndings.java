package io.batchwire.job;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

import java.util.UUID;

/**
 * What else must happen in the transaction that ends jobs (the outcome that completes them, a cancel, a time limit, a
 * failure): for example, the deliveries that announce the end are written there, so an end is never stored without
 * them. Implemented by the features that react to job ends; the job store and the outcome store call every
 * implementation.
 */
public interface JobEndings {

    /** Runs in {@code conn}'s transaction, after {@code jobIds} took their final state. */
    Uni<Void> ended(SqlConnection conn, UUID[] jobIds);
}
