package io.batchwire.delivery;

import io.batchwire.job.JobStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The deliveries outbox: rows are written in the transaction that ends a job, and taken by any replica with
 * {@code FOR UPDATE SKIP LOCKED}; taking one increments its attempt number, so no attempt is ever sent twice.
 */
@ApplicationScoped
public class DeliveryStore {

    /** Attempts of the Kafka event: the broker being away for a while must not lose it. */
    static final int EVENT_ATTEMPTS = 1000;

    private final Pool pool;
    private final DeliveryConfig config;

    public DeliveryStore(Pool pool, DeliveryConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /** Schedules the event, and the webhook and result push where the job asked for them, for jobs that just ended. */
    public Uni<Void> enqueue(SqlConnection conn, UUID[] endedJobs) {
        if (endedJobs.length == 0) {
            return Uni.createFrom().voidItem();
        }
        int attempts = config.retrySchedule().size() + 1;
        return conn.preparedQuery("""
                        INSERT INTO deliveries (id, job_id, tenant_id, kind, event_type, url, max_attempts)
                        SELECT gen_random_uuid(), j.id, j.tenant_id, k.kind, 'job.' || j.state,
                               CASE k.kind WHEN 'webhook' THEN j.webhook_url WHEN 'push' THEN j.result_url END,
                               CASE k.kind WHEN 'event' THEN $2::int ELSE $3::int END
                        FROM jobs j CROSS JOIN (VALUES ('event'), ('webhook'), ('push')) AS k(kind)
                        WHERE j.id = ANY($1)
                          AND (k.kind = 'event' OR (k.kind = 'webhook' AND j.webhook_url IS NOT NULL)
                               OR (k.kind = 'push' AND j.result_url IS NOT NULL))
                        ON CONFLICT (job_id, kind) DO NOTHING""")
                .execute(Tuple.of(endedJobs, EVENT_ATTEMPTS, attempts)).replaceWithVoid();
    }

    /** A delivery taken for one attempt. */
    public record Due(UUID id, UUID jobId, UUID tenantId, String kind, String eventType, String url, int attempt,
                      int maxAttempts, String payload, String format) {
    }

    public Uni<List<Due>> claimDue(int limit) {
        return pool.preparedQuery("""
                        UPDATE deliveries SET attempts = attempts + 1, lease_until = now() + make_interval(secs => $2)
                        WHERE id IN (
                            SELECT id FROM deliveries
                            WHERE state = 'pending' AND next_attempt_at <= now()
                              AND (lease_until IS NULL OR lease_until < now())
                            ORDER BY next_attempt_at LIMIT $1
                            FOR UPDATE SKIP LOCKED)
                        RETURNING id, job_id, tenant_id, kind, event_type, url, attempts, max_attempts, payload,
                                  (SELECT format FROM jobs WHERE jobs.id = deliveries.job_id) AS format""")
                .execute(Tuple.of(limit, (double) config.lease().toSeconds()))
                .map(rows -> {
                    List<Due> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Due(r.getUUID("id"), r.getUUID("job_id"), r.getUUID("tenant_id"), r.getString("kind"),
                                r.getString("event_type"), r.getString("url"), r.getInteger("attempts"),
                                r.getInteger("max_attempts"), r.getString("payload"), r.getString("format")));
                    }
                    return out;
                });
    }

    /** How one attempt went. */
    public record Attempt(OffsetDateTime startedAt, Integer statusCode, int latencyMs, String error) {
    }

    /**
     * Logs the attempt and moves the delivery on: {@code delivered}, {@code stopped} (410), {@code failed} (out of
     * attempts, or refused by policy), or back to {@code pending} at {@code nextAt}.
     */
    public Uni<Void> settle(Due due, String payload, Attempt attempt, String state, OffsetDateTime nextAt) {
        return pool.withTransaction(conn -> conn.preparedQuery("""
                                INSERT INTO delivery_attempts (delivery_id, attempt, started_at, status_code, latency_ms, error)
                                VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING""")
                .execute(Tuple.of(due.id(), due.attempt(), attempt.startedAt(), attempt.statusCode(), attempt.latencyMs(),
                        attempt.error()))
                .chain(() -> conn.preparedQuery("""
                                UPDATE deliveries SET state = $2, payload = coalesce(payload, $3), lease_until = NULL,
                                    last_status_code = $4, last_error = $5,
                                    next_attempt_at = coalesce($6, next_attempt_at),
                                    delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END
                                WHERE id = $1 AND attempts = $7""")
                        .execute(Tuple.of(due.id(), state, payload, attempt.statusCode(), attempt.error(), nextAt)
                                .addInteger(due.attempt())))
                .replaceWithVoid());
    }

    /** A job's deliveries (webhook and push; the Kafka event too) with every attempt, oldest first. */
    public Uni<List<DeliveryView>> list(UUID jobId) {
        return pool.preparedQuery("""
                        SELECT d.id, d.kind, d.event_type, d.url, d.state, d.attempts, d.max_attempts, d.next_attempt_at,
                               d.last_status_code, d.last_error, d.created_at, d.delivered_at,
                               a.attempt, a.started_at, a.status_code, a.latency_ms, a.error
                        FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
                        WHERE d.job_id = $1 ORDER BY d.created_at, d.kind, a.attempt""")
                .execute(Tuple.of(jobId))
                .map(rows -> {
                    Map<UUID, DeliveryView> byId = new LinkedHashMap<>();
                    for (Row r : rows) {
                        DeliveryView v = byId.computeIfAbsent(r.getUUID("id"), id -> new DeliveryView(id, r.getString("kind"),
                                r.getString("event_type"), "evt_" + jobId, r.getString("url"), r.getString("state"),
                                r.getInteger("attempts"), r.getInteger("max_attempts"),
                                "pending".equals(r.getString("state")) ? r.getOffsetDateTime("next_attempt_at") : null,
                                r.getInteger("last_status_code"), r.getString("last_error"), r.getOffsetDateTime("created_at"),
                                r.getOffsetDateTime("delivered_at"), new ArrayList<>()));
                        if (r.getInteger("attempt") != null) {
                            v.attemptLog().add(new DeliveryView.AttemptView(r.getInteger("attempt"), r.getOffsetDateTime("started_at"),
                                    r.getInteger("status_code"), r.getInteger("latency_ms"), r.getString("error")));
                        }
                    }
                    return new ArrayList<>(byId.values());
                });
    }

    /** Sends a delivery once more, now: it gets one more attempt, whatever its state. */
    public Uni<Boolean> redeliver(UUID jobId, UUID deliveryId) {
        return pool.preparedQuery("""
                        UPDATE deliveries SET state = 'pending', next_attempt_at = now(), max_attempts = attempts + 1,
                            lease_until = NULL
                        WHERE id = $1 AND job_id = $2 AND kind <> 'event'
                          AND (state <> 'pending' OR lease_until IS NULL OR lease_until < now())""")
                .execute(Tuple.of(deliveryId, jobId)).map(r -> r.rowCount() == 1);
    }

    public Uni<JobStatus.Push> pushState(UUID jobId) {
        return pool.preparedQuery("""
                        SELECT state, attempts, last_status_code, last_error FROM deliveries WHERE job_id = $1 AND kind = 'push'""")
                .execute(Tuple.of(jobId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return JobStatus.Push.WAITING;
                    }
                    Row r = rows.iterator().next();
                    return new JobStatus.Push(r.getString("state"), r.getInteger("attempts"), r.getInteger("last_status_code"),
                            r.getString("last_error"));
                });
    }
}
