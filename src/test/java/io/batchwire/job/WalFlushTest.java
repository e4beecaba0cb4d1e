package io.batchwire.job;

import io.batchwire.testing.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transaction that commits without waiting for the WAL flush ({@link WalFlush#UNFLUSHED_COMMIT}, as a submit's
 * admitting transaction does) is on disk once {@link WalFlush#flushed} completes: the server's flushed WAL position is
 * then at or past the WAL written up to that commit.
 */
@QuarkusTest
class WalFlushTest {

    @Inject
    Pool pool;

    @Test
    void anUnflushedCommitIsOnDiskOnceTheFlushCompletes() throws Throwable {
        try (Connection c = Db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS wal_flush_probe (n bigint)");
            int seenUnflushed = 0;
            for (int i = 0; i < 20; i++) {
                c.setAutoCommit(false);
                s.execute(WalFlush.UNFLUSHED_COMMIT);
                s.execute("INSERT INTO wal_flush_probe VALUES (" + i + ")");
                c.commit();
                c.setAutoCommit(true);
                String written = text(s, "SELECT pg_current_wal_insert_lsn()");
                if (!flushedTo(s, written)) {
                    seenUnflushed++;
                }
                VertxContextSupport.subscribeAndAwait(() -> WalFlush.flushed(pool));
                assertThat(flushedTo(s, written)).as("commit %d is flushed (WAL written to %s)", i, written).isTrue();
            }
            // the WAL writer flushes an unflushed commit within its 200 ms cycle; 20 commits read back at once are not
            // all past it, so the check above is made while there is something to flush
            assertThat(seenUnflushed).as("commits seen before their flush").isPositive();
        }
    }

    private static boolean flushedTo(Statement s, String lsn) throws SQLException {
        return Boolean.parseBoolean(text(s, "SELECT (pg_current_wal_flush_lsn() >= '" + lsn + "'::pg_lsn)::text"));
    }

    private static String text(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
