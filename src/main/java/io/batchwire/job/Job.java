package io.batchwire.job;

import io.batchwire.credit.CreditLedger;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Convert;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.Formula;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A job as the API reads it. Counters and state are changed only by the store's conditional SQL
 * ({@link JobStore}), together with the records they count, so they stay exact. Listings read it through Hibernate;
 * the hot single-job reads (status polls, the senders' payloads) in plain SQL with {@link #SELECT} and {@link #of},
 * which sit beside the mapping they repeat (a test holds the two equal).
 */
@Entity
@Table(name = "jobs")
public class Job extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false)
    public UUID tenantId;

    @Column(nullable = false)
    public String type;

    /** {@code batch} (records submitted) or {@code export} (the pages of one request's answer). */
    @Column(nullable = false)
    public String kind;

    /** An export's rows stored so far. */
    @Column(name = "export_rows", nullable = false)
    public long exportRows;

    @Column(nullable = false)
    @Convert(converter = JobStateConverter.class)
    public JobState state;

    @Column(name = "total_records", nullable = false)
    public int totalRecords;

    public int succeeded;
    public int failed;
    @Column(name = "timed_out")
    public int timedOut;
    public int cancelled;

    /** Raw JSON text of the client's metadata. */
    @JdbcTypeCode(SqlTypes.VARCHAR)
    @ColumnTransformer(read = "metadata::text", write = "?::text::jsonb")
    public String metadata;

    public String error;

    @Column(name = "timeout_seconds")
    public Integer timeoutSeconds;

    @Column(name = "webhook_url")
    public String webhookUrl;

    @Column(name = "result_url")
    public String resultUrl;

    public String format;

    @Column(name = "collection_id")
    public UUID collectionId;

    /** The W3C traceparent of the job's trace (tracing on), null otherwise. */
    @Column(name = "trace_parent")
    public String traceParent;

    @Column(name = "bodies_purged_at")
    public OffsetDateTime bodiesPurgedAt;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
    @Column(name = "started_at")
    public OffsetDateTime startedAt;
    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    /** Credits the submit was charged (0 on an unmetered plan), read from the ledger. */
    @Formula(CreditLedger.CHARGED_BY_JOB)
    public long creditsCharged;

    /** Credits the job's end gave back, read from the ledger. */
    @Formula(CreditLedger.REFUNDED_BY_JOB)
    public long creditsRefunded;

    /** Every column of the mapping above, as {@link #of} reads them; the table's alias is {@code j}. */
    static final String SELECT = """
            SELECT j.id, j.tenant_id, j.type, j.kind, j.export_rows, j.state, j.total_records, j.succeeded, j.failed,
                   j.timed_out, j.cancelled, j.metadata::text AS metadata, j.error, j.timeout_seconds, j.webhook_url,
                   j.result_url, j.format, j.collection_id, j.trace_parent, j.bodies_purged_at, j.created_at,
                   j.started_at, j.finished_at, %s AS credits_charged, %s AS credits_refunded
            FROM jobs j""".formatted(CreditLedger.chargedBy("j.id"), CreditLedger.refundedBy("j.id"));

    /** A row of {@link #SELECT} as a job (not attached to any session). */
    static Job of(Row r) {
        Job job = new Job();
        job.id = r.getUUID("id");
        job.tenantId = r.getUUID("tenant_id");
        job.type = r.getString("type");
        job.kind = r.getString("kind");
        job.exportRows = r.getLong("export_rows");
        job.state = JobState.fromWire(r.getString("state"));
        job.totalRecords = r.getInteger("total_records");
        job.succeeded = r.getInteger("succeeded");
        job.failed = r.getInteger("failed");
        job.timedOut = r.getInteger("timed_out");
        job.cancelled = r.getInteger("cancelled");
        job.metadata = r.getString("metadata");
        job.error = r.getString("error");
        job.timeoutSeconds = r.getInteger("timeout_seconds");
        job.webhookUrl = r.getString("webhook_url");
        job.resultUrl = r.getString("result_url");
        job.format = r.getString("format");
        job.collectionId = r.getUUID("collection_id");
        job.traceParent = r.getString("trace_parent");
        job.bodiesPurgedAt = r.getOffsetDateTime("bodies_purged_at");
        job.createdAt = r.getOffsetDateTime("created_at");
        job.startedAt = r.getOffsetDateTime("started_at");
        job.finishedAt = r.getOffsetDateTime("finished_at");
        job.creditsCharged = r.getLong("credits_charged");
        job.creditsRefunded = r.getLong("credits_refunded");
        return job;
    }

    public boolean isExport() {
        return KIND_EXPORT.equals(kind);
    }

    public static final String KIND_BATCH = "batch";
    public static final String KIND_EXPORT = "export";

    public int done() {
        return succeeded + failed + timedOut + cancelled;
    }
}
