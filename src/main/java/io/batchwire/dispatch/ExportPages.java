package io.batchwire.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchwire.job.JobStore;
import io.batchwire.job.RecordState;
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
 * twice or left out.
 */
@ApplicationScoped
public class ExportPages {

    private static final String INSERT_ROWS = """
            INSERT INTO export_rows (job_id, row_no, body)
            SELECT $1, $2 + t.o - 1, t.b::json FROM unnest($3::text[]) WITH ORDINALITY AS t(b, o)""";

    private static final String NEXT_RECORD = """
            INSERT INTO job_records (job_id, idx, input)
            SELECT job_id, idx + 1, jsonb_set(input, '{position}', $3::text::jsonb) FROM job_records
            WHERE job_id = $1 AND idx = $2""";

    private static final String ADVANCE = """
            UPDATE jobs SET export_rows = export_rows + $2, total_records = total_records + $3,
                dispatched_at = CASE WHEN $3 > 0 THEN NULL ELSE dispatched_at END,
                dispatch_claimed_until = CASE WHEN $3 > 0 THEN now() + make_interval(secs => $4) ELSE dispatch_claimed_until END
            WHERE id = $1""";

    private final JobPublisher publisher;

    public ExportPages(JobPublisher publisher) {
        this.publisher = publisher;
    }

    /** An export job as the status writer locked it: whose, which upstream, how many rows it has stored. */
    record Export(UUID id, UUID tenantId, String type, long rows) {
    }

    /** One page's rows and where the next page starts (a JSON null at the end). */
    record Page(JsonNode rows, JsonNode next) {
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
                JsonNode result = o.result();
                if (o.status() != RecordState.SUCCEEDED || result == null || !result.path("rows").isArray()) {
                    continue;
                }
                JsonNode next = result.path("next");
                Page page = new Page(result.get("rows"), next.isMissingNode() ? JsonNodeFactory.instance.nullNode() : next);
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
     * Stores the rows of the pages that took their outcome in this transaction ({@code changed}), and the next page
     * of each; returns the next pages to publish after the commit.
     */
    Uni<List<NextPage>> store(SqlConnection conn, Map<UUID, Export> exports, Map<UUID, Map<Integer, Page>> pages,
                              Map<UUID, Map<Integer, RecordState>> changed) {
        List<NextPage> next = new ArrayList<>();
        List<Uni<Void>> steps = new ArrayList<>();
        for (var job : pages.entrySet()) {
            Export export = exports.get(job.getKey());
            Map<Integer, RecordState> took = changed.getOrDefault(job.getKey(), Map.of());
            long base = export.rows();
            for (var page : job.getValue().entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
                if (took.get(page.getKey()) != RecordState.SUCCEEDED) {
                    continue; // stored before (a duplicate), or the job ended meanwhile
                }
                JsonNode rows = page.getValue().rows();
                String[] bodies = new String[rows.size()];
                for (int i = 0; i < bodies.length; i++) {
                    bodies[i] = rows.get(i).toString();
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
                    int idx = page.getKey();
                    step = step.chain(() -> conn.preparedQuery(NEXT_RECORD)
                            .execute(Tuple.of(export.id(), idx, position)).replaceWithVoid());
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
