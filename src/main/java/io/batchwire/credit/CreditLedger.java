package io.batchwire.credit;

import io.batchwire.api.ProblemException;
import io.batchwire.tenant.AdminAudit;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongFunction;

/**
 * Each tenant's credits, as a ledger in Postgres: entries are only ever added (a trigger refuses updates), and the
 * balance is their sum. A charge is taken in the submit's own transaction, after the submit locked the tenant's row:
 * submits of one tenant are serialized there, and each reads the balance with a snapshot taken after the lock, so
 * concurrent submits never spend the same credits twice. Refunds and grants only add, so they need no lock (a submit
 * that does not see one yet is merely refused too early). One charge and at most one refund per job (a unique index).
 */
@ApplicationScoped
public class CreditLedger {

    /** A job's charge, in credits, as a column expression of a {@code jobs} row (its id column is {@code id}). */
    public static final String CHARGED_BY_JOB =
            "(SELECT cast(coalesce(-sum(e.amount), 0) AS bigint) FROM credit_entries e WHERE e.job_id = id AND e.kind = 'charge')";

    /** What the job's end gave back, in credits, as a column expression of a {@code jobs} row. */
    public static final String REFUNDED_BY_JOB =
            "(SELECT cast(coalesce(sum(e.amount), 0) AS bigint) FROM credit_entries e WHERE e.job_id = id AND e.kind = 'refund')";

    /** Charges {@code $3} credits for job {@code $2} if the balance covers them; answers the balance before. */
    private static final String CHARGE = """
            WITH balance AS (
                SELECT coalesce(sum(amount), 0)::bigint AS b FROM credit_entries WHERE tenant_id = $1),
            charged AS (
                INSERT INTO credit_entries (tenant_id, kind, amount, job_id, records)
                SELECT $1, 'charge', -$3::bigint, $2, $4 FROM balance WHERE b >= $3
                RETURNING 1)
            SELECT b AS balance, EXISTS (SELECT 1 FROM charged) AS charged FROM balance""";

    /** Refunds each job's records at the price it was charged; jobs that were not charged get nothing. */
    private static final String REFUND = """
            INSERT INTO credit_entries (tenant_id, kind, amount, job_id, records, note)
            SELECT c.tenant_id, 'refund', (-c.amount / c.records) * r.n, c.job_id, r.n, r.note
            FROM unnest($1::uuid[], $2::int[], $3::text[]) AS r(job_id, n, note)
            JOIN credit_entries c ON c.job_id = r.job_id AND c.kind = 'charge'
            WHERE r.n > 0 AND c.amount < 0
            ON CONFLICT (job_id, kind) WHERE job_id IS NOT NULL DO NOTHING""";

    private static final String GRANT = """
            INSERT INTO credit_entries (tenant_id, kind, amount, note)
            SELECT id, 'grant', $2, $3 FROM tenants WHERE id = $1
            RETURNING id, kind, amount, job_id, records, note, created_at""";

    private static final String ACCOUNT = """
            SELECT (SELECT coalesce(sum(amount), 0)::bigint FROM credit_entries WHERE tenant_id = t.id) AS balance,
                   p.metered, p.name AS plan
            FROM tenants t JOIN plans p ON p.name = t.plan WHERE t.id = $1""";

    private static final String ENTRIES = """
            SELECT id, kind, amount, job_id, records, note, created_at FROM credit_entries
            WHERE tenant_id = $1 AND ($2::bigint IS NULL OR id < $2)
            ORDER BY id DESC LIMIT $3""";

    private final Pool pool;
    private final AdminAudit audit;

    public CreditLedger(Pool pool, AdminAudit audit) {
        this.pool = pool;
        this.audit = audit;
    }

    /**
     * Charges a job in the submit's transaction {@code conn}, which must hold the tenant's row lock: {@code records}
     * at {@code price} each. Fails with 402 (the transaction then rolls back, so nothing is stored) when the balance
     * does not cover it. Answers the amount charged.
     */
    public Uni<Long> charge(SqlConnection conn, UUID tenantId, UUID jobId, String type, int records, long price) {
        long cost = Math.multiplyExact(records, price);
        if (cost == 0) {
            return Uni.createFrom().item(0L);
        }
        return conn.preparedQuery(CHARGE).execute(Tuple.of(tenantId, jobId, cost, records))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    long balance = r.getLong("balance");
                    if (!r.getBoolean("charged")) {
                        throw insufficient(balance, cost, type, records, price);
                    }
                    return cost;
                });
    }

    private static ProblemException insufficient(long balance, long cost, String type, int records, long price) {
        Map<String, Object> ext = new LinkedHashMap<>();
        ext.put("balance", balance);
        ext.put("cost", cost);
        ext.put("records", records);
        ext.put("price", price);
        ext.put("type", type);
        return new ProblemException(402, "insufficient-credits", "Not enough credits",
                "this job costs " + cost + " credits (" + records + " records of type '" + type + "' at " + price
                        + " each) and the balance is " + balance, null, null, ext, Map.of());
    }

    /** Of these jobs, those that were charged (only they can be refunded). */
    public Uni<Set<UUID>> charged(SqlConnection conn, UUID[] jobIds) {
        return conn.preparedQuery("SELECT job_id FROM credit_entries WHERE job_id = ANY($1) AND kind = 'charge'")
                .execute(Tuple.of(jobIds))
                .map(rows -> {
                    Set<UUID> out = new HashSet<>();
                    rows.forEach(r -> out.add(r.getUUID("job_id")));
                    return out;
                });
    }

    /** One job's refund: how many of its records, and why. */
    public record Refund(UUID jobId, int records, String note) {
    }

    /** Refunds, in the transaction {@code conn} that ends the jobs, at the price each job was charged. */
    public Uni<Void> refund(SqlConnection conn, List<Refund> refunds) {
        if (refunds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        UUID[] ids = new UUID[refunds.size()];
        Integer[] counts = new Integer[refunds.size()];
        String[] notes = new String[refunds.size()];
        for (int i = 0; i < refunds.size(); i++) {
            ids[i] = refunds.get(i).jobId();
            counts[i] = refunds.get(i).records();
            notes[i] = refunds.get(i).note();
        }
        return conn.preparedQuery(REFUND).execute(Tuple.of(ids, counts, notes)).replaceWithVoid();
    }

    /** Adds {@code amount} credits to the tenant's balance; 404 if there is no such tenant. */
    public Uni<CreditEntry> grant(UUID tenantId, long amount, String note) {
        return pool.withTransaction(conn -> conn.preparedQuery(GRANT).execute(Tuple.of(tenantId, amount, note))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("tenant " + tenantId);
                    }
                    return entry(rows.iterator().next());
                })
                .call(entry -> audit.record(conn, "credits.grant", tenantId.toString(),
                        note == null ? Map.of("amount", amount) : Map.of("amount", amount, "note", note))));
    }

    /** The tenant's balance: the sum of its entries. */
    public Uni<Long> balance(UUID tenantId) {
        return pool.preparedQuery("SELECT coalesce(sum(amount), 0)::bigint AS b FROM credit_entries WHERE tenant_id = $1")
                .execute(Tuple.of(tenantId)).map(rows -> rows.iterator().next().getLong("b"));
    }

    /** The balances of these tenants (the sum of each one's entries), in one round; a tenant without entries has 0. */
    public Uni<java.util.Map<UUID, Long>> balances(java.util.List<UUID> tenantIds) {
        return pool.preparedQuery("""
                        SELECT tenant_id, coalesce(sum(amount), 0)::bigint AS b FROM credit_entries
                        WHERE tenant_id = ANY($1) GROUP BY tenant_id""")
                .execute(Tuple.of(tenantIds.toArray(UUID[]::new)))
                .map(rows -> {
                    java.util.Map<UUID, Long> out = new java.util.HashMap<>();
                    tenantIds.forEach(t -> out.put(t, 0L));
                    for (Row r : rows) {
                        out.put(r.getUUID("tenant_id"), r.getLong("b"));
                    }
                    return out;
                });
    }

    /** The tenant's balance and plan, with up to {@code limit} entries older than entry {@code before} (null: newest). */
    public Uni<CreditStatement> statement(UUID tenantId, Long before, int limit, LongFunction<String> cursor) {
        Uni<RowSet<Row>> account = pool.preparedQuery(ACCOUNT).execute(Tuple.of(tenantId));
        Uni<RowSet<Row>> entries = pool.preparedQuery(ENTRIES)
                .execute(Tuple.of(tenantId, before, limit + 1));
        return Uni.combine().all().unis(account, entries).with((a, e) -> {
            if (a.size() == 0) {
                throw ProblemException.notFound("tenant " + tenantId);
            }
            Row acc = a.iterator().next();
            List<CreditEntry> items = new ArrayList<>();
            e.forEach(r -> items.add(entry(r)));
            boolean more = items.size() > limit;
            List<CreditEntry> page = more ? items.subList(0, limit) : items;
            return new CreditStatement(acc.getLong("balance"), acc.getBoolean("metered"), acc.getString("plan"),
                    List.copyOf(page), more, more ? cursor.apply(page.getLast().id()) : null);
        });
    }

    private static CreditEntry entry(Row r) {
        return new CreditEntry(r.getLong("id"), r.getString("kind"), r.getLong("amount"), r.getUUID("job_id"),
                r.getInteger("records"), r.getString("note"), r.getOffsetDateTime("created_at"));
    }
}
