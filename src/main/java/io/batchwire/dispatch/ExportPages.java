package io.batchwire.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.credit.CreditLedger;
import io.batchwire.job.JobCredits;
import io.batchwire.job.JobStore;
import io.batchwire.job.RecordTransitions;
import io.batchwire.job.RecordState;
import io.batchwire.upstream.PageMemory;
import io.batchwire.upstream.RawJson;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The pages of export jobs, as the status writer stores them. An export's records are the pages of its upstream's
 * answer; a page's outcome carries {@code {"rows": [...], "next": position}}. In the transaction that stores the page's
 * outcome (once: only a pending record takes one) its rows go to {@code export_rows}, numbered after those stored
 * before, the record keeps only {@code {"rows": n, "next": position}}, and, when there is a next position, the next
 * page's record is stored and the job's total grows by one, with the job row as the outbox of its chunk (a publish
 * lease, as a new job has). A crash anywhere resumes at the first page without a stored outcome: no row is stored
 * twice or left out. On a metered plan each page is charged in that same transaction ({@link #afford}), so a page is
 * charged exactly when it is stored: once.
 */
@ApplicationScoped
public class ExportPages {

    private static final String INSERT_ROWS = """
            INSERT INTO export_rows (job_id, row_no, body)
            SELECT $1, $2 + t.o - 1, t.b::json FROM unnest($3::text[]) WITH ORDINALITY AS t(b, o)""";

    private static final String NEXT_RECORD = """
            INSERT INTO job_records (job_id, idx, input)
            SELECT job_id, idx + 1, jsonb_set(jsonb_set(input, '{position}', $3::text::jsonb), '{seen}', $4::text::jsonb)
            FROM job_records WHERE job_id = $1 AND idx = $2""";

    private static final String ADVANCE = """
            UPDATE jobs SET export_rows = export_rows + $2, total_records = total_records + $3,
                dispatched_at = CASE WHEN $3 > 0 THEN NULL ELSE dispatched_at END,
                dispatch_claimed_until = CASE WHEN $3 > 0 THEN now() + make_interval(secs => $4) ELSE dispatch_claimed_until END
            WHERE id = $1""";

    /** Of the given records, those that may still take an outcome. */
    private static final String OPEN = """
            SELECT r.job_id, r.idx FROM job_records r JOIN unnest($1::uuid[], $2::int[]) AS t(job_id, idx)
                ON r.job_id = t.job_id AND r.idx = t.idx
            WHERE r.status IN (%s)""".formatted(RecordTransitions.sqlMayTakeOutcome());

    private final JobPublisher publisher;
    private final JobCredits credits;
    private final CreditLedger ledger;

    public ExportPages(JobPublisher publisher, JobCredits credits, CreditLedger ledger) {
        this.publisher = publisher;
        this.credits = credits;
        this.ledger = ledger;
    }

    /**
     * An export job as the status writer locked it: whose, which upstream, how many rows it has stored, and whether
     * its tenant's plan is metered (as read then; {@link #afford} reads it again under the tenant's lock).
     */
    record Export(UUID id, UUID tenantId, String type, long rows, boolean metered) {
    }

    /**
     * One page's rows, where the next page starts (a JSON null at the end), and the digests of the positions before it
     * ({@link io.batchwire.upstream.PageMemory}), for the next page's input.
     */
    record Page(JsonNode rows, JsonNode next, JsonNode seen) {
    }

    /** A page record just stored, to be published once its transaction has committed. */
    record NextPage(UUID jobId, UUID tenantId, String type, int index) {
    }

    /**
     * Takes the rows out of the page outcomes of the given exports: the outcome keeps {@code {"rows": n, "next": ...}}
     * and the rows are returned by job and page.
     */
    static Map<UUID, Map<Integer, Page>> take(Map<UUID, Map<Integer, RecordOutcome>> byJob, Set<UUID> exports) {
        Map<UUID, Map<Integer, Page>> out = new java.util.HashMap<>();
        for (UUID job : exports) {
            Map<Integer, RecordOutcome> outcomes = byJob.get(job);
            if (outcomes == null) {
                continue;
            }
            for (var e : outcomes.entrySet()) {
                RecordOutcome o = e.getValue();
                JsonNode result = OutcomeResultReader.page(o.result());
                if (o.status() != RecordState.SUCCEEDED || result == null || !result.path("rows").isArray()) {
                    continue;
                }
                JsonNode next = result.path("next");
                JsonNode seen = result.path(PageMemory.FIELD);
                Page page = new Page(result.get("rows"), next.isMissingNode() ? JsonNodeFactory.instance.nullNode() : next,
                        seen.isArray() ? seen : JsonNodeFactory.instance.arrayNode());
                out.computeIfAbsent(job, k -> new java.util.HashMap<>()).put(e.getKey(), page);
                ObjectNode summary = JsonNodeFactory.instance.objectNode();
                summary.put("rows", page.rows().size());
                summary.set("next", page.next());
                e.setValue(new RecordOutcome(o.jobId(), o.index(), o.status(), o.statusCode(), o.attempts(), o.startedAt(),
                        o.durationMs(), summary, o.error()));
            }
        }
        return out;
    }

    /**
     * Decides, before the outcomes are stored, which pages of exports on a metered plan their tenant's credits cover
     * ({@link JobCredits#pageCost}), reading the balances under the tenants' row locks and counting only pages that
     * will take their outcome now. A page not covered is not stored: its outcome becomes a failure
     * ({@code insufficient_credits}, which fails the export with the rows stored before it kept) and its rows are
     * dropped. Answers the charges of the covered pages, for {@link #store} to write once they have taken their
     * outcome.
     */
    Uni<Map<UUID, Map<Integer, CreditLedger.PageCharge>>> afford(SqlConnection conn, Map<UUID, Export> exports,
                                                                 Set<UUID> allTenants,
                                                                 Map<UUID, Map<Integer, Page>> pages,
                                                                 Map<UUID, Map<Integer, RecordOutcome>> byJob) {
        List<UUID> jobIds = new ArrayList<>();
        List<Integer> idxs = new ArrayList<>();
        for (var job : pages.entrySet()) {
            Export export = exports.get(job.getKey());
            for (var page : job.getValue().entrySet()) {
                if (export.metered() && credits.pageCost(export.type(), page.getValue().rows().size()) > 0) {
                    jobIds.add(job.getKey());
                    idxs.add(page.getKey());
                }
            }
        }
        if (jobIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        // every tenant of the batch's jobs, in one ordered statement: the jobs this batch ends lock their tenants again
        // (to promote queued jobs), and two sets locked one after the other, each in order, could deadlock writers
        return ledger.lockAccounts(conn, new java.util.TreeSet<>(allTenants).toArray(UUID[]::new))
                .chain(accounts -> conn.preparedQuery(OPEN)
                        .execute(Tuple.of(jobIds.toArray(UUID[]::new), idxs.toArray(Integer[]::new)))
                        .map(open -> {
                            Set<String> pending = new java.util.HashSet<>();
                            open.forEach(r -> pending.add(r.getUUID("job_id") + "/" + r.getInteger("idx")));
                            Map<UUID, Long> balances = new java.util.HashMap<>();
                            accounts.forEach((t, a) -> balances.put(t, a.balance()));
                            Map<UUID, Map<Integer, CreditLedger.PageCharge>> out = new java.util.HashMap<>();
                            for (UUID job : pages.keySet().stream().sorted().toList()) {
                                Export export = exports.get(job);
                                CreditLedger.Account account = accounts.get(export.tenantId());
                                if (account == null || !account.metered()) {
                                    continue;
                                }
                                for (var page : new java.util.TreeMap<>(pages.get(job)).entrySet()) {
                                    if (!pending.contains(job + "/" + page.getKey())) {
                                        continue; // stored before: neither charged nor refused again
                                    }
                                    int rows = page.getValue().rows().size();
                                    long cost = credits.pageCost(export.type(), rows);
                                    long balance = balances.get(export.tenantId());
                                    if (cost <= balance) {
                                        balances.put(export.tenantId(), balance - cost);
                                        out.computeIfAbsent(job, k -> new java.util.HashMap<>()).put(page.getKey(),
                                                new CreditLedger.PageCharge(export.tenantId(), job, page.getKey(), rows, cost,
                                                        rows + " rows, " + credits.unit(export.type())));
                                    } else {
                                        pages.get(job).remove(page.getKey());
                                        RecordOutcome o = byJob.get(job).get(page.getKey());
                                        byJob.get(job).put(page.getKey(), new RecordOutcome(o.jobId(), o.index(),
                                                RecordState.FAILED, o.statusCode(), o.attempts(), o.startedAt(), o.durationMs(),
                                                null, new RecordOutcome.RecordError("insufficient_credits",
                                                "the credits ran out: page " + page.getKey() + " (" + rows + " rows) costs "
                                                        + cost + " credits (" + credits.unit(export.type())
                                                        + ") and the balance is " + balance + "; the " + export.rows()
                                                        + " rows stored before it are kept and downloadable")));
                                    }
                                }
                            }
                            return out;
                        }));
    }

    /**
     * Stores the rows of the pages that took their outcome in this transaction ({@code changed}), their charges
     * ({@link #afford}), and the next page of each; returns the next pages to publish after the commit.
     */
    Uni<List<NextPage>> store(SqlConnection conn, Map<UUID, Export> exports, Map<UUID, Map<Integer, Page>> pages,
                              Map<UUID, Map<Integer, RecordState>> changed,
                              Map<UUID, Map<Integer, CreditLedger.PageCharge>> charges) {
        List<NextPage> next = new ArrayList<>();
        List<Uni<Void>> steps = new ArrayList<>();
        List<CreditLedger.PageCharge> charged = new ArrayList<>();
        for (var job : pages.entrySet()) {
            Export export = exports.get(job.getKey());
            Map<Integer, RecordState> took = changed.getOrDefault(job.getKey(), Map.of());
            long base = export.rows();
            for (var page : job.getValue().entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
                if (took.get(page.getKey()) != RecordState.SUCCEEDED) {
                    continue; // stored before (a duplicate), or the job ended meanwhile
                }
                CreditLedger.PageCharge charge = charges.getOrDefault(job.getKey(), Map.of()).get(page.getKey());
                if (charge != null) {
                    charged.add(charge);
                }
                JsonNode rows = page.getValue().rows();
                String[] bodies = new String[rows.size()];
                for (int i = 0; i < bodies.length; i++) {
                    bodies[i] = RawJson.text(rows.get(i));
                }
                boolean more = !page.getValue().next().isNull();
                long from = base;
                base += bodies.length;
                Uni<Void> step = Uni.createFrom().voidItem();
                if (bodies.length > 0) {
                    step = step.chain(() -> conn.preparedQuery(INSERT_ROWS)
                            .execute(Tuple.of(export.id(), from, bodies)).replaceWithVoid());
                }
                if (more) {
                    String position = page.getValue().next().toString();
                    String seen = page.getValue().seen().toString();
                    int idx = page.getKey();
                    step = step.chain(() -> conn.preparedQuery(NEXT_RECORD)
                            .execute(Tuple.of(export.id(), idx, position, seen)).replaceWithVoid());
                    next.add(new NextPage(export.id(), export.tenantId(), export.type(), idx + 1));
                }
                int added = more ? 1 : 0;
                step = step.chain(() -> conn.preparedQuery(ADVANCE)
                        .execute(Tuple.of(export.id(), (long) bodies.length, added,
                                (double) JobStore.PUBLISH_LEASE.toSeconds()))
                        .replaceWithVoid());
                steps.add(step);
            }
        }
        if (!charged.isEmpty()) {
            steps.add(ledger.chargePages(conn, charged));
        }
        if (steps.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Multi.createFrom().iterable(steps).onItem().transformToUniAndConcatenate(s -> s)
                .collect().last().replaceWith(next);
    }

    /** Puts a next page on the jobs topic; if that fails, the outbox sweep publishes it. */
    void publish(NextPage page) {
        publisher.startPage(page.jobId(), page.tenantId(), page.type(), page.index());
    }
}
