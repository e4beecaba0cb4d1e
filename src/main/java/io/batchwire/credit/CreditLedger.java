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

    private static final String CHARGED_OF =
            "(SELECT cast(coalesce(-sum(e.amount), 0) AS bigint) FROM credit_entries e WHERE e.kind = 'charge' AND e.job_id = ";
    private static final String REFUNDED_OF =
            "(SELECT cast(coalesce(sum(e.amount), 0) AS bigint) FROM credit_entries e WHERE e.kind = 'refund' AND e.job_id = ";

    /** A job's charge, in credits, as a column expression of a {@code jobs} row (its id column is {@code id}). */
    public static final String CHARGED_BY_JOB = CHARGED_OF + "id)";

    /** What the job's end gave back, in credits, as a column expression of a {@code jobs} row. */
    public static final String REFUNDED_BY_JOB = REFUNDED_OF + "id)";

    /** {@link #CHARGED_BY_JOB} for plain SQL, where the job's id column is named {@code jobId} (e.g. {@code j.id}). */
    public static String chargedBy(String jobId) {
        return CHARGED_OF + jobId + ")";
    }

    /** {@link #REFUNDED_BY_JOB} for plain SQL, where the job's id column is named {@code jobId}. */
    public static String refundedBy(String jobId) {
        return REFUNDED_OF + jobId + ")";
    }

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
            JOIN credit_entries c ON c.job_id = r.job_id AND c.kind = 'charge' AND c.page IS NULL
            WHERE r.n > 0 AND c.amount < 0
            ON CONFLICT (job_id, kind) WHERE job_id IS NOT NULL AND page IS NULL DO NOTHING""";

    /**
     * Locks the tenants' rows, in id order, and reads whether their plans are metered. The balances are read by
     * {@link #BALANCES} in a statement of its own: a statement that waited for a lock still sees the data of its
     * snapshot from before the wait, so a balance read with the lock could miss a charge committed meanwhile.
     */
    private static final String LOCK_ACCOUNTS = """
            SELECT t.id, p.metered
            FROM tenants t JOIN plans p ON p.name = t.plan WHERE t.id = ANY($1) ORDER BY t.id FOR NO KEY UPDATE OF t""";

    /** The balances of tenants (in a transaction: after their rows are locked); a tenant without entries has no row. */
    private static final String BALANCES = """
            SELECT tenant_id, sum(amount)::bigint AS balance FROM credit_entries WHERE tenant_id = ANY($1) GROUP BY tenant_id""";

    /** One charge per stored page of an export; a page already charged is not charged again. */
    private static final String CHARGE_PAGES = """
            INSERT INTO credit_entries (tenant_id, kind, amount, job_id, records, page, note)
            SELECT t.tenant_id, 'charge', -t.amount, t.job_id, t.records, t.page, t.note
            FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::int[], $5::int[], $6::text[])
                 AS t(tenant_id, job_id, amount, records, page, note)
            WHERE t.amount > 0
            ON CONFLICT (job_id, page) WHERE page IS NOT NULL DO NOTHING""";

    private static final String BALANCE = "SELECT coalesce(sum(amount), 0)::bigint AS b FROM credit_entries WHERE tenant_id = $1";

    private static final String GRANT = """
            INSERT INTO credit_entries (tenant_id, kind, amount, note)
            SELECT id, 'grant', $2, $3 FROM tenants WHERE id = $1
            RETURNING id, kind, amount, job_id, records, page, note, created_at""";

    private static final String ACCOUNT = """
            SELECT (SELECT coalesce(sum(amount), 0)::bigint FROM credit_entries WHERE tenant_id = t.id) AS balance,
                   p.metered, p.name AS plan
            FROM tenants t JOIN plans p ON p.name = t.plan WHERE t.id = $1""";

    private static final String ENTRIES = """
            SELECT id, kind, amount, job_id, records, page, note, created_at FROM credit_entries
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
                        throw insufficient("this job costs " + cost + " credits (" + records + " records of type '" + type
                                + "' at " + price + " each) and the balance is " + balance, balance, cost, "records", records,
                                price, type);
                    }
                    return cost;
                });
    }

    /** The 402 of a submit the balance does not cover; {@code what} (records, or how an export is charged) is told too. */
    private static ProblemException insufficient(String detail, long balance, long cost, String what, Object amount,
                                                 long price, String type) {
        Map<String, Object> ext = new LinkedHashMap<>();
        ext.put("balance", balance);
        ext.put("cost", cost);
        ext.put(what, amount);
        ext.put("price", price);
        ext.put("type", type);
        return new ProblemException(402, "insufficient-credits", "Not enough credits", detail, null, null, ext, Map.of());
    }

    /**
     * Fails with 402 (the submit's transaction {@code conn}, holding the tenant's row lock, then rolls back) when the
     * balance is below {@code cost}: what an export needs to start, though it is charged only as its pages are stored.
     */
    public Uni<Void> require(SqlConnection conn, UUID tenantId, long cost, String type, String unit, long price) {
        if (cost <= 0) {
            return Uni.createFrom().voidItem();
        }
        return conn.preparedQuery(BALANCE).execute(Tuple.of(tenantId))
                .map(rows -> {
                    long balance = rows.iterator().next().getLong("b");
                    if (balance < cost) {
                        throw insufficient("an export of type '" + type + "' is charged " + price + " credits " + unit
                                + " as its pages are stored; it needs at least " + cost + " to start and the balance is "
                                + balance, balance, cost, "charged", unit, price, type);
                    }
                    return null;
                });
    }

    /** A tenant's balance, as read under its row lock, and whether its plan is metered. */
    public record Account(long balance, boolean metered) {
    }

    /**
     * Locks the tenants' rows in the transaction {@code conn} (in id order; submits of those tenants wait) and answers
     * each one's account: charges decided on these balances cannot overdraw.
     */
    public Uni<Map<UUID, Account>> lockAccounts(SqlConnection conn, UUID[] tenantIds) {
        return conn.preparedQuery(LOCK_ACCOUNTS).execute(Tuple.of((Object) tenantIds)).chain(locked -> {
            Map<UUID, Boolean> metered = new java.util.HashMap<>();
            locked.forEach(r -> metered.put(r.getUUID("id"), r.getBoolean("metered")));
            return balances(conn, tenantIds).map(balance -> {
                Map<UUID, Account> out = new java.util.HashMap<>();
                metered.forEach((id, m) -> out.put(id, new Account(balance.getOrDefault(id, 0L), m)));
                return out;
            });
        });
    }

    /** One stored page's charge: {@code amount} credits for page {@code page} of export {@code jobId}. */
    public record PageCharge(UUID tenantId, UUID jobId, int page, int rows, long amount, String note) {
    }

    /**
     * Charges stored pages in the transaction {@code conn} that stores them (the tenants locked by
     * {@link #lockAccounts}); a page is charged at most once, whatever is asked.
     */
    public Uni<Void> chargePages(SqlConnection conn, List<PageCharge> charges) {
        if (charges.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = charges.size();
        UUID[] tenants = new UUID[n];
        UUID[] jobs = new UUID[n];
        Long[] amounts = new Long[n];
        Integer[] rows = new Integer[n];
        Integer[] pages = new Integer[n];
        String[] notes = new String[n];
        for (int i = 0; i < n; i++) {
            PageCharge c = charges.get(i);
            tenants[i] = c.tenantId();
            jobs[i] = c.jobId();
            amounts[i] = c.amount();
            rows[i] = c.rows();
            pages[i] = c.page();
            notes[i] = c.note();
        }
        return conn.preparedQuery(CHARGE_PAGES).execute(Tuple.from(new Object[]{tenants, jobs, amounts, rows, pages, notes}))
                .replaceWithVoid();
    }

    /** Of these jobs, those that were charged at submit (only they can be refunded). */
    public Uni<Set<UUID>> charged(SqlConnection conn, UUID[] jobIds) {
        return conn.preparedQuery("SELECT job_id FROM credit_entries WHERE job_id = ANY($1) AND kind = 'charge' AND page IS NULL")
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
        return pool.preparedQuery(BALANCE).execute(Tuple.of(tenantId)).map(rows -> rows.iterator().next().getLong("b"));
    }

    /** The balances of these tenants (the sum of each one's entries), in one round; a tenant without entries has 0. */
    public Uni<java.util.Map<UUID, Long>> balances(java.util.List<UUID> tenantIds) {
        UUID[] ids = tenantIds.toArray(UUID[]::new);
        return balances(pool, ids);
    }

    /** The balances of these tenants, read by {@code client} (a transaction's connection, or the pool); 0 without entries. */
    private static Uni<Map<UUID, Long>> balances(io.vertx.mutiny.sqlclient.SqlClient client, UUID[] tenantIds) {
        return client.preparedQuery(BALANCES).execute(Tuple.of((Object) tenantIds)).map(rows -> {
            Map<UUID, Long> out = new java.util.HashMap<>();
            for (UUID t : tenantIds) {
                out.put(t, 0L);
            }
            for (Row r : rows) {
                out.put(r.getUUID("tenant_id"), r.getLong("balance"));
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
                r.getInteger("records"), r.getInteger("page"), r.getString("note"), r.getOffsetDateTime("created_at"));
    }
}
