package io.batchwire.dispatch;

import io.vertx.pgclient.PgException;

/** Tells a failure that retrying cannot cure (the data or the statement is wrong) from one that passes. */
final class DatabaseErrors {

    private DatabaseErrors() {
    }

    /**
     * Data exceptions (SQLSTATE class 22, e.g. a {@code \u0000} in a JSON string that jsonb refuses), integrity
     * violations (23) and statement errors (42) fail again however often they are tried, as does an outcome whose own
     * JSON cannot be read (an export page taken apart): retried, it would stop its partition for good. Anything else
     * (no connection, a deadlock, a serialization failure, a server shutting down) is worth retrying.
     */
    static boolean isPermanent(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.io.UncheckedIOException || c instanceof com.fasterxml.jackson.core.JacksonException) {
                return true;
            }
            if (c instanceof PgException pg && pg.getSqlState() != null) {
                String sqlClass = pg.getSqlState().substring(0, 2);
                return sqlClass.equals("22") || sqlClass.equals("23") || sqlClass.equals("42");
            }
        }
        return false;
    }
}
