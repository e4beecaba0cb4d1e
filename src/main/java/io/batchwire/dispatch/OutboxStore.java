package io.batchwire.dispatch;

import io.batchwire.job.JobTransitions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The transactional outbox of new jobs: a stored job is on Kafka once {@code dispatched_at} is set. The submitting
 * replica holds a publish lease ({@code dispatch_claimed_until}, set by the insert); the sweep claims jobs whose
 * lease ran out and that are still not on Kafka. Queued jobs are not due yet: they are published once promoted (with
 * a publish lease of the promoting replica).
 */
@ApplicationScoped
public class OutboxStore {

    private static final String CLAIM_STRANDED = """
            UPDATE jobs SET dispatch_claimed_until = now() + make_interval(secs => $2)
            WHERE id IN (
                SELECT id FROM jobs
                WHERE dispatched_at IS NULL AND state IN (%s)
                  AND created_at < now() - make_interval(secs => $1)
                  AND (dispatch_claimed_until IS NULL OR dispatch_claimed_until < now())
                ORDER BY created_at LIMIT $3
                FOR UPDATE SKIP LOCKED)
            RETURNING id, tenant_id, type, total_records, kind""".formatted(JobTransitions.sqlRunning());

    private final Pool pool;

    public OutboxStore(Pool pool) {
        this.pool = pool;
    }

    /** Records the outbox step done: every chunk of the job is on Kafka. */
    public Uni<Void> markDispatched(UUID jobId) {
        return pool.preparedQuery("UPDATE jobs SET dispatched_at = now(), dispatch_claimed_until = NULL WHERE id = $1")
                .execute(Tuple.of(jobId)).replaceWithVoid();
    }

    /** Gives up the submitting replica's publish lease after a failed publish, so the sweep retries soon. */
    public Uni<Void> releasePublishLease(UUID jobId) {
        return pool.preparedQuery("UPDATE jobs SET dispatch_claimed_until = NULL WHERE id = $1 AND dispatched_at IS NULL")
                .execute(Tuple.of(jobId)).replaceWithVoid();
    }

    /** A job the outbox sweep must (re)publish. */
    public record Stranded(UUID id, UUID tenantId, String type, int totalRecords, boolean export) {
    }

    /**
     * Claims unfinished jobs that never reached Kafka (the process died, or the send failed) for this replica, for
     * {@code claimFor}; other replicas skip them meanwhile.
     */
    public Uni<List<Stranded>> claimStranded(Duration grace, Duration claimFor, int limit) {
        return pool.preparedQuery(CLAIM_STRANDED)
                .execute(Tuple.of((double) grace.toMillis() / 1000, (double) claimFor.toMillis() / 1000, limit))
                .map(rows -> {
                    List<Stranded> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Stranded(r.getUUID("id"), r.getUUID("tenant_id"), r.getString("type"),
                                r.getInteger("total_records"), "export".equals(r.getString("kind"))));
                    }
                    return out;
                });
    }
}
