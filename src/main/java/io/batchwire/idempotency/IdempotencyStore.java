package io.batchwire.idempotency;

import io.batchwire.api.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

/**
 * {@code Idempotency-Key} handling, decided by the database so it holds across replicas. A key is claimed
 * ({@code in_flight}) in its own short transaction before the work, and completed in the same transaction that
 * stores the work; a failed request gives its key back. Keys are per tenant and per scope, for 24 hours; a claim
 * left by a crashed replica may be taken over after {@link #STALE_CLAIM}.
 */
@ApplicationScoped
public class IdempotencyStore {

    public static final int MAX_KEY_LENGTH = 255;
    static final Duration TTL = Duration.ofHours(24);
    static final Duration STALE_CLAIM = Duration.ofSeconds(60);

    /**
     * Claims a key: a new one, one whose earlier use expired, or a stale claim of a crashed replica. {@code $5}: the
     * key's life (seconds), {@code $6}: when a claim is stale.
     */
    private static final String CLAIM = """
            INSERT INTO idempotency_keys AS k (tenant_id, scope, key, request_hash, state, expires_at)
            VALUES ($1, $2, $3, $4, %1$s, now() + make_interval(secs => $5))
            ON CONFLICT (tenant_id, scope, key) DO UPDATE
                SET request_hash = EXCLUDED.request_hash, state = %1$s, resource_id = NULL,
                    created_at = now(), expires_at = EXCLUDED.expires_at
                WHERE k.expires_at < now()
                   OR (k.state = %1$s AND k.created_at < now() - make_interval(secs => $6))
            RETURNING 1""".formatted(IdempotencyTransitions.sql(IdempotencyTransitions.INITIAL));

    private static final String COMPLETE = """
            UPDATE idempotency_keys SET state = %s, resource_id = $4
            WHERE tenant_id = $1 AND scope = $2 AND key = $3 AND state IN (%s)""".formatted(
            IdempotencyTransitions.sql(IdempotencyKeyState.DONE), IdempotencyTransitions.sqlMayComplete());

    private static final String RELEASE = """
            DELETE FROM idempotency_keys WHERE tenant_id = $1 AND scope = $2 AND key = $3 AND state = %s"""
            .formatted(IdempotencyTransitions.sql(IdempotencyKeyState.IN_FLIGHT));

    private final Pool pool;

    public IdempotencyStore(Pool pool) {
        this.pool = pool;
    }

    /** A key this request now holds; pass it to {@link #complete} inside the transaction that stores the work. */
    public record Claim(UUID tenantId, String scope, String key) {
    }

    /** The outcome of asking for a key: either this request holds it, or an earlier one finished with it. */
    public record Decision(Claim claim, UUID replayOf) {
    }

    public static void check(String key) {
        if (key != null && (key.isBlank() || key.length() > MAX_KEY_LENGTH)) {
            throw ProblemException.validation("Idempotency-Key", "Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
    }

    /**
     * Claims the key for this request, or answers the replay of the earlier one: the same body replays its resource,
     * another body is 422, and a request still in flight is 409 with {@code Retry-After}.
     */
    public Uni<Decision> claim(UUID tenantId, String scope, String key, byte[] requestHash) {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(tenantId, scope, key, io.vertx.core.buffer.Buffer.buffer(requestHash),
                        (double) TTL.toSeconds(), (double) STALE_CLAIM.toSeconds()))
                .chain(rows -> {
                    if (rows.size() == 1) {
                        return Uni.createFrom().item(new Decision(new Claim(tenantId, scope, key), null));
                    }
                    return pool.preparedQuery("""
                                    SELECT request_hash, state, resource_id FROM idempotency_keys
                                    WHERE tenant_id = $1 AND scope = $2 AND key = $3""")
                            .execute(Tuple.of(tenantId, scope, key))
                            .map(existing -> decide(existing.iterator().next(), requestHash));
                });
    }

    private static Decision decide(Row row, byte[] requestHash) {
        if (!IdempotencyKeyState.DONE.wire().equals(row.getString("state"))) {
            throw new ProblemException(409, "idempotency-key-in-flight", "Request in progress",
                    "a request with this Idempotency-Key is still being processed; retry shortly",
                    "Idempotency-Key", null, null, Map.of("Retry-After", "1"));
        }
        if (!Arrays.equals(row.getBuffer("request_hash").getBytes(), requestHash)) {
            throw new ProblemException(422, "idempotency-key-reused", "Idempotency key reused",
                    "this Idempotency-Key was used with a different request body in the last 24 hours",
                    "Idempotency-Key", null, null, Map.of());
        }
        return new Decision(null, row.getUUID("resource_id"));
    }

    /** Marks the key done with the resource it made, in the caller's transaction. */
    public Uni<Void> complete(SqlConnection conn, Claim claim, UUID resourceId) {
        if (claim == null) {
            return Uni.createFrom().voidItem();
        }
        return conn.preparedQuery(COMPLETE)
                .execute(Tuple.of(claim.tenantId(), claim.scope(), claim.key(), resourceId)).replaceWithVoid();
    }

    /** Gives the key back after a request failed, so nothing is remembered of an invalid request. */
    public Uni<Void> release(Claim claim) {
        if (claim == null) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(RELEASE)
                .execute(Tuple.of(claim.tenantId(), claim.scope(), claim.key())).replaceWithVoid();
    }

    /** Deletes expired keys; returns how many. */
    public Uni<Integer> purgeExpired(int limit) {
        return pool.preparedQuery("""
                        DELETE FROM idempotency_keys WHERE ctid IN (
                            SELECT ctid FROM idempotency_keys WHERE expires_at < now() LIMIT $1)""")
                .execute(Tuple.of(limit)).map(r -> r.rowCount());
    }

    public static byte[] hash(String canonicalRequest) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(canonicalRequest.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
