package io.batchwire.job;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * A commit that does not hold its locks while the disk catches up, and the wait that makes it durable before anyone
 * is told. A transaction that begins with {@link #UNFLUSHED_COMMIT} commits as soon as its commit record is written:
 * its locks go at once, not after the WAL flush, so the next transaction waiting for them starts while this one's WAL
 * is still on its way to the disk. Its effects are then visible but not yet durable; {@link #flushed} waits until they
 * are, and nothing may be answered or sent on their strength before it has.
 * <p>
 * That is safe because the WAL is one stream: a flush up to any point makes everything logged before it durable. So
 * every transaction that saw this one's effects and then committed synchronously (a chunk's claim before an upstream
 * call, an outcome) has made this one durable too, and a crash before the flush can lose this transaction only together
 * with everything that depended on it.
 */
final class WalFlush {

    /** The first statement of a transaction whose commit should not wait for the WAL flush (that transaction only). */
    static final String UNFLUSHED_COMMIT = "SET LOCAL synchronous_commit TO off";

    /**
     * A statement that is a transaction of its own and logs a record under a transaction id, so its commit waits (as
     * {@code synchronous_commit} says, on by default) until the WAL up to its commit record is flushed, and with it every
     * commit before. A transaction that only took an id, or a non-transactional message, logs no commit the server
     * waits for: PostgreSQL commits those asynchronously. (PostgreSQL 17's {@code pg_logical_emit_message(..., flush)}
     * would flush without a commit; 15 has nothing that does.) The message is there for a logical decoder to see and
     * skip, with the prefix {@code batchwire}.
     */
    private static final String FLUSH = "SELECT pg_logical_emit_message(true, 'batchwire', 'flush')";

    private WalFlush() {
    }

    /** Completes once everything committed on this server before the call is on disk. */
    static Uni<Void> flushed(SqlClient client) {
        return client.preparedQuery(FLUSH).execute().replaceWithVoid();
    }
}
