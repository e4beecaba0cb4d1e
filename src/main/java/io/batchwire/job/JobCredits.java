package io.batchwire.job;

import io.batchwire.credit.CreditLedger;
import io.batchwire.credit.CreditsConfig;
import io.batchwire.upstream.UpstreamConfig;
import io.batchwire.upstream.UpstreamRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What jobs cost on a metered plan: a submit is charged its records x the price of its upstream type
 * ({@code batchwire.upstreams.<type>.price}) in the submit's transaction ({@link JobAdmission} calls {@link #charge}),
 * and a job's end refunds, in the transaction that ends it, the records that did not run: those that ended
 * {@code cancelled}, and, when the job failed as a whole, its records that never reached the upstream (no attempt).
 * Records that ran and failed or timed out are refunded too if {@code batchwire.credits.refund-failed} /
 * {@code refund-timed-out} say so. An idempotent replay stores nothing, so it is never charged.
 *
 * <p>An export is charged as its pages are stored ({@link #pageCost}: {@code price} per page with
 * {@code export-credits=per-call}, {@code price} per row with {@code per-row}), in the transaction that stores each
 * page; its submit charges nothing but is refused (402) when the balance does not cover one page call, or one row.
 * Nothing of an export is refunded: it pays for what was stored.
 */
@ApplicationScoped
public class JobCredits implements JobEndings {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(JobCredits.class);

    /** Per charged job that just ended: the records its end gives back, by reason. */
    private static final String REFUNDABLE = """
            SELECT j.id, j.cancelled, j.timed_out, j.failed,
                   CASE WHEN j.state = %s THEN (SELECT count(*) FROM job_records r
                        WHERE r.job_id = j.id AND r.status = %s AND r.attempts = 0) ELSE 0 END AS never_ran
            FROM jobs j WHERE j.id = ANY($1)""".formatted(JobTransitions.sql(JobState.FAILED),
            RecordTransitions.sql(RecordState.FAILED));

    private final CreditLedger ledger;
    private final CreditsConfig config;
    private final UpstreamRegistry upstreams;

    public JobCredits(CreditLedger ledger, CreditsConfig config, UpstreamRegistry upstreams) {
        this.ledger = ledger;
        this.config = config;
        this.upstreams = upstreams;
    }

    /** The price of one record of {@code type}. */
    long price(String type) {
        return upstreams.find(type).map(u -> u.config().price())
                .orElseThrow(() -> new IllegalStateException("no upstream for type " + type));
    }

    /**
     * Charges the new job in its submit's transaction (the tenant's row locked); 402 if the balance does not cover it.
     * Answers the credits charged.
     */
    Uni<Long> charge(SqlConnection conn, JobStore.NewJob job) {
        if (Job.KIND_EXPORT.equals(job.kind())) {
            long price = price(job.type());
            return ledger.require(conn, job.tenantId(), pageCost(job.type(), 1), job.type(), unit(job.type()), price)
                    .replaceWith(0L);
        }
        return ledger.charge(conn, job.tenantId(), job.id(), job.type(), job.indexes().length, price(job.type()));
    }

    /**
     * What storing one page of {@code rows} rows of an export of {@code type} costs. The status writer asks this for
     * pages another replica fetched: a type this replica's configuration does not know (replicas deployed with
     * different upstreams) costs nothing here and says so in the log, rather than failing the status writer's batch
     * again and again and halting its partition.
     */
    public long pageCost(String type, int rows) {
        var upstream = upstreams.find(type);
        if (upstream.isEmpty()) {
            LOG.warnf("a page of an export of type '%s' is stored without a charge: this replica has no upstream of that type", type);
            return 0;
        }
        long price = upstream.get().config().price();
        return perRow(type) ? Math.multiplyExact(price, rows) : price;
    }

    /** How an export of {@code type} is charged, in words: {@code per row} or {@code per page call}. */
    public String unit(String type) {
        return perRow(type) ? "per row" : "per page call";
    }

    private boolean perRow(String type) {
        return upstreams.find(type).map(u -> u.config().exportCredits() == UpstreamConfig.ExportCredits.PER_ROW)
                .orElse(false);
    }

    @Override
    public Uni<Void> ended(SqlConnection conn, UUID[] jobIds) {
        return ledger.charged(conn, jobIds).chain(charged -> charged.isEmpty() ? Uni.createFrom().voidItem()
                : conn.preparedQuery(REFUNDABLE).execute(Tuple.of((Object) charged.toArray(UUID[]::new)))
                        .chain(rows -> {
                            List<CreditLedger.Refund> refunds = new ArrayList<>();
                            for (Row r : rows) {
                                refund(r).ifPresent(refunds::add);
                            }
                            return ledger.refund(conn, refunds);
                        }));
    }

    private Optional<CreditLedger.Refund> refund(Row r) {
        List<String> why = new ArrayList<>();
        int n = 0;
        int cancelled = r.getInteger("cancelled");
        if (cancelled > 0) {
            n += cancelled;
            why.add(cancelled + " cancelled");
        }
        int failed = r.getInteger("failed");
        int neverRan = r.getLong("never_ran").intValue();
        if (config.refundFailed() && failed > 0) {
            n += failed;
            why.add(failed + " failed");
        } else if (neverRan > 0) {
            n += neverRan;
            why.add(neverRan + " never ran (the job failed)");
        }
        int timedOut = r.getInteger("timed_out");
        if (config.refundTimedOut() && timedOut > 0) {
            n += timedOut;
            why.add(timedOut + " timed out");
        }
        return n == 0 ? Optional.empty()
                : Optional.of(new CreditLedger.Refund(r.getUUID("id"), n, "records not charged: " + String.join(", ", why)));
    }
}
