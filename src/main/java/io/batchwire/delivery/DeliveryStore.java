package io.batchwire.delivery;

import io.batchwire.job.JobEndings;
import io.batchwire.job.JobStatus;
import io.batchwire.job.StatusExtras;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The deliveries outbox: rows are written in the transaction that ends a job (this is a {@link JobEndings}), and
 * taken by any replica with {@code FOR UPDATE SKIP LOCKED}; taking one increments its attempt number, so no attempt
 * is ever sent twice. The states in its SQL come from {@link DeliveryTransitions}.
 */
@ApplicationScoped
public class DeliveryStore implements JobEndings, StatusExtras.ResultPushes {

    /** Attempts of the Kafka event: the broker being away for a while must not lose it. */
    static final int EVENT_ATTEMPTS = 1000;

    /**
     * One row per kind and ended job: the event always, the others where the job has their URL. {@code $2}: the
     * event's attempts, {@code $3}: the others'.
     */
    private static final String ENQUEUE = """
            INSERT INTO deliveries (id, job_id, tenant_id, kind, event_type, url, max_attempts, state)
            SELECT gen_random_uuid(), j.id, j.tenant_id, k.kind, 'job.' || j.state, k.url, k.attempts, %s
            FROM jobs j CROSS JOIN LATERAL (VALUES %s) AS k(kind, url, attempts)
            WHERE j.id = ANY($1) AND (k.kind = %s OR k.url IS NOT NULL)
            ON CONFLICT (job_id, kind) DO NOTHING""".formatted(DeliveryTransitions.sql(DeliveryTransitions.INITIAL),
            Arrays.stream(DeliveryKind.values())
                    .map(k -> "(" + k.sql() + ", " + (k.urlColumn == null ? "NULL::text" : "j." + k.urlColumn) + ", "
                            + (k == DeliveryKind.EVENT ? "$2::int" : "$3::int") + ")")
                    .collect(Collectors.joining(", ")),
            DeliveryKind.EVENT.sql());

    private static final String CLAIM_DUE = """
            UPDATE deliveries SET attempts = attempts + 1, lease_until = now() + make_interval(secs => $2)
            WHERE id IN (
                SELECT id FROM deliveries
                WHERE state IN (%s) AND next_attempt_at <= now()
                  AND (lease_until IS NULL OR lease_until < now())
                ORDER BY next_attempt_at LIMIT $1
                FOR UPDATE SKIP LOCKED)
            RETURNING id, job_id, tenant_id, kind, event_type, url, attempts, max_attempts, payload,
                      (SELECT format FROM jobs WHERE jobs.id = deliveries.job_id) AS format,
                      (SELECT metadata->>'dialect' FROM jobs WHERE jobs.id = deliveries.job_id) AS dialect,
                      (SELECT trace_parent FROM jobs WHERE jobs.id = deliveries.job_id) AS trace_parent"""
            .formatted(DeliveryTransitions.sqlMayAttempt());

    /** {@code $7}: the attempt number the claim handed out; a later claim of the same row settles its own attempt. */
    private static final String SETTLE = """
            UPDATE deliveries SET state = $2, payload = coalesce(payload, $3), lease_until = NULL,
                last_status_code = $4, last_error = $5,
                next_attempt_at = coalesce($6, next_attempt_at),
                delivered_at = CASE WHEN $2 = %s THEN now() ELSE delivered_at END
            WHERE id = $1 AND attempts = $7""".formatted(DeliveryTransitions.sql(DeliveryState.DELIVERED));

    private static final String REDELIVER = """
            UPDATE deliveries SET state = %s, next_attempt_at = now(), max_attempts = attempts + 1,
                lease_until = NULL
            WHERE id = $1 AND job_id = $2 AND kind <> %s AND state IN (%s)
              AND (state <> %s OR lease_until IS NULL OR lease_until < now())""".formatted(
            DeliveryTransitions.sql(DeliveryState.PENDING), DeliveryKind.EVENT.sql(), DeliveryTransitions.sqlMayRedeliver(),
            DeliveryTransitions.sql(DeliveryState.PENDING));

    private final Pool pool;
    private final DeliveryConfig config;

    public DeliveryStore(Pool pool, DeliveryConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /** Schedules the event, and the webhook and result push where the job asked for them, for jobs that just ended. */
    @Override
    public Uni<Void> ended(SqlConnection conn, UUID[] jobIds) {
        if (jobIds.length == 0) {
            return Uni.createFrom().voidItem();
        }
        int attempts = config.retrySchedule().size() + 1;
        return conn.preparedQuery(ENQUEUE).execute(Tuple.of(jobIds, EVENT_ATTEMPTS, attempts)).replaceWithVoid();
    }

    /** A delivery taken for one attempt; {@code traceParent}: its job's trace (null with tracing off). */
    public record Due(UUID id, UUID jobId, UUID tenantId, DeliveryKind kind, String eventType, String url, int attempt,
                      int maxAttempts, String payload, String format, String dialect, String traceParent) {
    }

    public Uni<List<Due>> claimDue(int limit) {
        return pool.preparedQuery(CLAIM_DUE)
                .execute(Tuple.of(limit, (double) config.lease().toSeconds()))
                .map(rows -> {
                    List<Due> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Due(r.getUUID("id"), r.getUUID("job_id"), r.getUUID("tenant_id"),
                                DeliveryKind.fromWire(r.getString("kind")), r.getString("event_type"), r.getString("url"),
                                r.getInteger("attempts"), r.getInteger("max_attempts"), r.getString("payload"),
                                r.getString("format"), r.getString("dialect"), r.getString("trace_parent")));
                    }
                    return out;
                });
    }

    /** How one attempt went. */
    public record Attempt(OffsetDateTime startedAt, Integer statusCode, int latencyMs, String error) {
    }

    /**
     * Logs the attempt and moves the delivery on ({@link DeliveryTransitions}): {@code delivered}, {@code stopped}
     * (410), {@code failed} (out of attempts, or refused by policy), or back to {@code pending} at {@code nextAt}.
     */
    public Uni<Void> settle(Due due, String payload, Attempt attempt, DeliveryState state, OffsetDateTime nextAt) {
        DeliveryTransitions.move(DeliveryState.PENDING, state);
        return pool.withTransaction(conn -> conn.preparedQuery("""
                                INSERT INTO delivery_attempts (delivery_id, attempt, started_at, status_code, latency_ms, error)
                                VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING""")
                .execute(Tuple.of(due.id(), due.attempt(), attempt.startedAt(), attempt.statusCode(), attempt.latencyMs(),
                        attempt.error()))
                .chain(() -> conn.preparedQuery(SETTLE)
                        .execute(Tuple.of(due.id(), state.wire(), payload, attempt.statusCode(), attempt.error(), nextAt)
                                .addInteger(due.attempt())))
                .replaceWithVoid());
    }

    /** A job's deliveries (webhook and push; the Kafka event too) with every attempt, oldest first. */
    public Uni<List<DeliveryView>> list(UUID jobId) {
        return read("d.job_id = $1", Tuple.of(jobId)).map(found -> found.stream().map(JobDelivery::delivery).toList());
    }

    /** A delivery and the job it is about. */
    public record JobDelivery(UUID jobId, DeliveryView delivery) {
    }

    /**
     * The newest {@code limit} deliveries of a tenant (of every tenant when it is null), newest first, with every
     * attempt; {@code kind} (null: all) keeps one kind.
     */
    public Uni<List<JobDelivery>> recent(UUID tenantId, DeliveryKind kind, int limit) {
        return read("""
                d.id IN (SELECT id FROM deliveries WHERE ($1::uuid IS NULL OR tenant_id = $1)
                           AND ($2::text IS NULL OR kind = $2) ORDER BY created_at DESC, id DESC LIMIT $3)""",
                Tuple.of(tenantId, kind == null ? null : kind.wire(), limit))
                .map(found -> {
                    List<JobDelivery> out = new ArrayList<>(found);
                    java.util.Collections.reverse(out);
                    return out;
                });
    }

    private Uni<List<JobDelivery>> read(String where, Tuple args) {
        return pool.preparedQuery("""
                        SELECT d.id, d.job_id, d.kind, d.event_type, d.url, d.state, d.attempts, d.max_attempts,
                               d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.delivered_at,
                               a.attempt, a.started_at, a.status_code, a.latency_ms, a.error
                        FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
                        WHERE %s ORDER BY d.created_at, d.kind, a.attempt""".formatted(where))
                .execute(args)
                .map(rows -> {
                    Map<UUID, JobDelivery> byId = new LinkedHashMap<>();
                    for (Row r : rows) {
                        JobDelivery v = byId.computeIfAbsent(r.getUUID("id"), id -> {
                            UUID jobId = r.getUUID("job_id");
                            DeliveryState state = DeliveryState.fromWire(r.getString("state"));
                            return new JobDelivery(jobId, new DeliveryView(id, r.getString("kind"), r.getString("event_type"),
                                    "evt_" + jobId, r.getString("url"), state.wire(), r.getInteger("attempts"),
                                    r.getInteger("max_attempts"),
                                    state == DeliveryState.PENDING ? r.getOffsetDateTime("next_attempt_at") : null,
                                    r.getInteger("last_status_code"), r.getString("last_error"),
                                    r.getOffsetDateTime("created_at"), r.getOffsetDateTime("delivered_at"), new ArrayList<>()));
                        });
                        if (r.getInteger("attempt") != null) {
                            v.delivery().attemptLog().add(new DeliveryView.AttemptView(r.getInteger("attempt"),
                                    r.getOffsetDateTime("started_at"), r.getInteger("status_code"), r.getInteger("latency_ms"),
                                    r.getString("error")));
                        }
                    }
                    return new ArrayList<>(byId.values());
                });
    }

    /**
     * Sends a webhook or push once more, now: it gets one more attempt, whatever its state, unless an attempt of it
     * is being sent right now.
     */
    public Uni<Boolean> redeliver(UUID jobId, UUID deliveryId) {
        return pool.preparedQuery(REDELIVER).execute(Tuple.of(deliveryId, jobId)).map(r -> r.rowCount() == 1);
    }

    @Override
    public Uni<JobStatus.Push> state(UUID jobId) {
        return pool.preparedQuery("""
                        SELECT state, attempts, last_status_code, last_error FROM deliveries WHERE job_id = $1 AND kind = $2""")
                .execute(Tuple.of(jobId, DeliveryKind.PUSH.wire()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return JobStatus.Push.WAITING;
                    }
                    Row r = rows.iterator().next();
                    ResultPushState push = ResultPushState.of(DeliveryState.fromWire(r.getString("state")));
                    return new JobStatus.Push(push.wire(), r.getInteger("attempts"), r.getInteger("last_status_code"),
                            r.getString("last_error"));
                });
    }
}
