package io.batchwire.collection;

import io.batchwire.api.ProblemException;
import io.batchwire.idempotency.IdempotencyStore;
import io.batchwire.job.RecordState;
import io.batchwire.result.RecordView;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The SQL side of collections on the reactive pool: a collection is stored with all its requests in one
 * transaction, together with its idempotency key; and the record reads runs need beyond the results pages.
 */
@ApplicationScoped
public class CollectionStore {

    /** What a run's request listing selects of a record: no bodies, but the request's url and method. */
    static final String REQUEST_COLUMNS = """
            idx, custom_id, status, status_code, attempts, started_at, completed_at, duration_ms, error::text AS error, seq,
            input->>'url' AS url, upper(coalesce(input->>'method', 'GET')) AS method,
            coalesce(input->'browser' = 'true'::jsonb, false) AS browser""";

    private final Pool pool;
    private final IdempotencyStore idempotency;

    public CollectionStore(Pool pool, IdempotencyStore idempotency) {
        this.pool = pool;
        this.idempotency = idempotency;
    }

    /** A collection about to be stored: its requests as JSON text, custom_id taken out. */
    public record NewCollection(UUID id, UUID tenantId, String name, String webhookUrl, int requestTimeoutSeconds,
                                Integer[] indexes, String[] customIds, String[] requests) {
    }

    /** One stored request of a collection. */
    public record StoredRequest(int index, String customId, String request) {
    }

    /**
     * Stores the collection and its requests if the tenant's plan allows that many records in one job (every run is
     * one), and completes the idempotency key in the same transaction.
     */
    public Uni<OffsetDateTime> insert(NewCollection c, IdempotencyStore.Claim claim) {
        int n = c.indexes().length;
        return pool.withTransaction(conn -> checkPlan(conn, c.tenantId(), n)
                .chain(() -> conn.preparedQuery("""
                                INSERT INTO collections (id, tenant_id, name, request_count, webhook_url, request_timeout_seconds)
                                VALUES ($1, $2, $3, $4, $5, $6) RETURNING created_at""")
                        .execute(Tuple.of(c.id(), c.tenantId(), c.name(), n, c.webhookUrl(), c.requestTimeoutSeconds()))
                        .map(rows -> rows.iterator().next().getOffsetDateTime("created_at")))
                .call(() -> conn.preparedQuery("""
                                INSERT INTO collection_requests (collection_id, idx, custom_id, request)
                                SELECT $1, t.idx, t.custom_id, t.request::jsonb
                                FROM unnest($2::int[], $3::text[], $4::text[]) AS t(idx, custom_id, request)""")
                        .execute(Tuple.of(c.id(), c.indexes(), c.customIds(), c.requests())))
                .call(() -> idempotency.complete(conn, claim, c.id())));
    }

    private static Uni<Void> checkPlan(SqlConnection conn, UUID tenantId, int requests) {
        return conn.preparedQuery("""
                        SELECT p.name, p.max_records_per_job FROM tenants t JOIN plans p ON p.name = t.plan WHERE t.id = $1""")
                .execute(Tuple.of(tenantId))
                .invoke(rows -> {
                    Row r = rows.iterator().next();
                    String plan = r.getString("name");
                    int max = r.getInteger("max_records_per_job");
                    if (requests > max) {
                        throw new ProblemException(413, "too-many-records", "Too many requests",
                                "plan '" + plan + "' allows at most " + max + " records per job, so at most " + max
                                        + " requests per collection; this one has " + requests,
                                "requests", null, Map.of("plan", plan, "limit", max, "requests", requests), Map.of());
                    }
                })
                .replaceWithVoid();
    }

    /** The collection's requests in index order: all of them, or those at {@code indexes}. */
    public Uni<List<StoredRequest>> requests(UUID collectionId, Integer[] indexes) {
        return pool.preparedQuery("""
                        SELECT idx, custom_id, request::text AS request FROM collection_requests
                        WHERE collection_id = $1 AND ($2::int[] IS NULL OR idx = ANY($2::int[]))
                        ORDER BY idx""")
                .execute(Tuple.of(collectionId, indexes))
                .map(rows -> {
                    List<StoredRequest> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new StoredRequest(r.getInteger("idx"), r.getString("custom_id"), r.getString("request")));
                    }
                    return out;
                });
    }

    /** The record indexes of a run whose request did not succeed (failed, timed out, cancelled or still pending). */
    public Uni<List<Integer>> notSucceeded(UUID runId) {
        return pool.preparedQuery("SELECT idx FROM job_records WHERE job_id = $1 AND status <> $2 ORDER BY idx")
                .execute(Tuple.of(runId, RecordState.SUCCEEDED.wire()))
                .map(rows -> {
                    List<Integer> out = new ArrayList<>(rows.size());
                    rows.forEach(r -> out.add(r.getInteger("idx")));
                    return out;
                });
    }

    /** A run's record as collections show it: the request's url and method, its outcome, its body if asked for. */
    public record Outcome(int recordIndex, String customId, String url, String method, boolean browser, RecordState status,
                          Integer statusCode, int attempts, OffsetDateTime startedAt, OffsetDateTime completedAt,
                          Long durationMs, String error, String result, Long seq) {

        /**
         * The request as the run shows it, under its index in the collection: with its body, or (in the listing,
         * {@code resultLink} set) with a link to it.
         */
        public RecordView view(int requestIndex, String resultLink) {
            return new RecordView(requestIndex, customId, url, method, browser ? Boolean.TRUE : null,
                    RequestStatus.of(status).wire(), statusCode, attempts,
                    startedAt, completedAt, durationMs, result, error, resultLink);
        }
    }

    /** Maps a row selected with {@link #REQUEST_COLUMNS} (and {@code result} when {@code withResult}). */
    static Outcome outcome(Row r, boolean withResult) {
        return new Outcome(r.getInteger("idx"), r.getString("custom_id"), r.getString("url"), r.getString("method"),
                r.getBoolean("browser"),
                RecordState.fromWire(r.getString("status")), r.getInteger("status_code"), r.getInteger("attempts"),
                r.getOffsetDateTime("started_at"), r.getOffsetDateTime("completed_at"), r.getLong("duration_ms"),
                r.getString("error"), withResult ? r.getString("result") : null, r.getLong("seq"));
    }

    /** One record of a run with its response body: by record index (when given) first, else by custom_id. */
    public Uni<Outcome> request(UUID runId, Integer recordIndex, String customId) {
        return pool.preparedQuery("SELECT " + REQUEST_COLUMNS + """
                        , result::text AS result
                        FROM job_records WHERE job_id = $1 AND (idx = $2 OR custom_id = $3)
                        ORDER BY (idx = $2) DESC NULLS LAST LIMIT 1""")
                .execute(Tuple.of(runId, recordIndex, customId))
                .map(rows -> rows.size() == 0 ? null : outcome(rows.iterator().next(), true));
    }
}
