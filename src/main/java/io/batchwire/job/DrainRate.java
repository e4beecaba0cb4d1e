package io.batchwire.job;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.UUID;

/**
 * How fast a tenant's records drain, measured: the status writer adds a sample (tenant, time, records that took an
 * outcome) per tenant to every batch of outcomes it stores, in that batch's transaction ({@link #sqlSample}), and the
 * rate is read over a sliding window of them ({@code batchwire.jobs.drain-window}). It is what the Retry-After of a
 * refused submit and the estimate of a queued job are computed from. Records ended by a cancel or a time limit are
 * not samples: they say nothing about how fast work gets done.
 */
@ApplicationScoped
public class DrainRate {

    private static final Logger LOG = Logger.getLogger(DrainRate.class);

    /** Less than this between the first and the last sample of the window is not a measurement yet. */
    static final double MIN_SPAN_SECONDS = 1.0;

    /**
     * Samples of the window: the records of the first sample finished before the window's measured span begins, so
     * they are left out of the rate (the rate is what finished after the first sample, over the time since).
     */
    private static final String MEASURE = """
            SELECT count(*) AS samples, coalesce(sum(records), 0) AS total,
                   coalesce((array_agg(records ORDER BY at))[1], 0) AS first,
                   extract(epoch FROM clock_timestamp() - min(at))::float8 AS span
            FROM drain_samples
            WHERE tenant_id = $1 AND at > clock_timestamp() - make_interval(secs => $2)""";

    private final Pool pool;
    private final JobLimitsConfig config;

    public DrainRate(Pool pool, JobLimitsConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /**
     * A data-modifying {@code WITH} item for the statement that stores outcomes: one sample per tenant of
     * {@code source}, a relation with columns {@code tenant_id} and {@code n} (records that just took an outcome).
     */
    public static String sqlSample(String source) {
        return """
                INSERT INTO drain_samples (tenant_id, records)
                SELECT tenant_id, sum(n) FROM %s GROUP BY tenant_id HAVING sum(n) > 0""".formatted(source);
    }

    /** A tenant's recent drain: records per second, if anything was measured in the window. */
    public record Rate(double perSecond, boolean measured) {

        static final Rate UNMEASURED = new Rate(0, false);

        /** Seconds until {@code records} more drain at this rate (unrounded); only for a measured rate. */
        double secondsFor(long records) {
            return records / perSecond;
        }
    }

    /** The tenant's rate, read through {@code client} (a transaction's connection, or the pool). */
    public Uni<Rate> of(SqlClient client, UUID tenantId) {
        return client.preparedQuery(MEASURE)
                .execute(Tuple.of(tenantId, (double) config.drainWindow().toMillis() / 1000))
                .map(rows -> rate(rows.iterator().next()));
    }

    public Uni<Rate> of(UUID tenantId) {
        return of(pool, tenantId);
    }

    private static Rate rate(Row r) {
        Double span = r.getDouble("span");
        return rate(r.getLong("samples"), r.getLong("total"), r.getLong("first"), span == null ? 0 : span);
    }

    /**
     * The rate of a window of {@code samples} holding {@code total} records, the first (oldest) sample {@code first}
     * of them, {@code span} seconds old: what finished after the first sample, over the time since it.
     */
    static Rate rate(long samples, long total, long first, double span) {
        if (samples < 2 || span < MIN_SPAN_SECONDS) {
            return Rate.UNMEASURED;
        }
        long after = total - first;
        return after <= 0 ? Rate.UNMEASURED : new Rate(after / span, true);
    }

    /** Forgets samples older than the window, on every replica (deleting what another replica deleted is harmless). */
    @Scheduled(every = "${batchwire.jobs.drain-window}", delayed = "${batchwire.jobs.drain-window}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        return pool.preparedQuery("DELETE FROM drain_samples WHERE at < now() - make_interval(secs => $1)")
                .execute(Tuple.of((double) config.drainWindow().toMillis() / 1000))
                .replaceWithVoid()
                .onFailure().invoke(t -> LOG.debugf("drain sample sweep failed: %s", t.getMessage()))
                .onFailure().recoverWithNull();
    }
}
