package io.batchwire.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.job.DrainRate;
import io.batchwire.job.JobQueue;
import io.batchwire.job.JobState;
import io.batchwire.job.JobStore;
import io.batchwire.job.JobTransitions;
import io.batchwire.job.RecordState;
import io.batchwire.job.RecordTransitions;
import io.batchwire.upstream.RawJson;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * Outcome ingest: stores batches of record outcomes idempotently. Only a record that may still take an outcome
 * ({@code pending}) takes one, counters move by exactly the records that changed (each terminal state's own counter
 * column, by name), and a job whose last record landed becomes {@code completed}, with its {@link
 * io.batchwire.job.JobEndings} in the same transaction.
 */
@ApplicationScoped
public class OutcomeStore {

    /** The terminal record states, in the order their counts are passed to {@link #UPDATE_JOBS}. */
    private static final List<RecordState> TERMINAL = List.copyOf(RecordTransitions.terminal());

    // a final job has no pending record left, so nothing of a batch can change it
    private static final String LOCK_JOBS = """
            SELECT id, result_seq, kind, export_rows, tenant_id, type,
                   kind = 'export' AND (SELECT p.metered FROM tenants t JOIN plans p ON p.name = t.plan
                                        WHERE t.id = jobs.tenant_id) AS metered
            FROM jobs WHERE id = ANY($1) AND state IN (%s)
            ORDER BY id FOR UPDATE OF jobs""".formatted(JobTransitions.sqlUnfinished());

    private static final String UPDATE_RECORDS = """
            UPDATE job_records r SET status = t.status, status_code = t.status_code, attempts = t.attempts,
                started_at = t.started_at, duration_ms = t.duration_ms, seq = t.seq,
                completed_at = (SELECT clock_timestamp()), result = t.result::jsonb, error = t.error::jsonb
            FROM unnest($1::uuid[], $2::int[], $3::text[], $4::int[], $5::int[], $6::timestamptz[],
                        $7::bigint[], $8::bigint[], $9::text[], $10::text[])
                 AS t(job_id, idx, status, status_code, attempts, started_at, duration_ms, seq, result, error)
            WHERE r.job_id = t.job_id AND r.idx = t.idx AND r.status IN (%s) AND t.status IN (%s)
            RETURNING r.job_id, r.idx, r.status""".formatted(RecordTransitions.sqlMayTakeOutcome(), RecordTransitions.sqlTerminal());

    private static final String UPDATE_JOBS = updateJobs();

    private final Pool pool;
    private final ObjectMapper json;
    private final JobStore jobs;
    private final ExportPages exportPages;

    public OutcomeStore(Pool pool, ObjectMapper json, JobStore jobs, ExportPages exportPages) {
        this.pool = pool;
        this.json = json;
        this.jobs = jobs;
        this.exportPages = exportPages;
    }

    /**
     * Adds each batch's counts to its job's counter columns and completes the jobs whose counters reach their total:
     * {@code $1} the job ids, then one count array per {@link #TERMINAL} state, then the store-order numbers used.
     */
    private static String updateJobs() {
        StringJoiner set = new StringJoiner(", ");
        StringJoiner done = new StringJoiner(" + ");
        StringJoiner arrays = new StringJoiner(", ");
        StringJoiner columns = new StringJoiner(", ");
        StringJoiner drained = new StringJoiner(" + ");
        arrays.add("$1::uuid[]");
        columns.add("id");
        for (int i = 0; i < TERMINAL.size(); i++) {
            String column = RecordTransitions.counterColumn(TERMINAL.get(i));
            set.add(column + " = j." + column + " + u.n" + i);
            done.add("j." + column + " + u.n" + i);
            drained.add("u.n" + i);
            arrays.add("$" + (i + 2) + "::int[]");
            columns.add("n" + i);
        }
        arrays.add("$" + (TERMINAL.size() + 2) + "::int[]");
        columns.add("seq");
        String completes = "j.state IN (%s) AND %s = j.total_records"
                .formatted(JobTransitions.sqlStatesThatMayMoveTo(JobState.COMPLETED), done);
        // an export whose page failed (or timed out) has failed as a whole: its rows stop short
        StringJoiner unfinishedPages = new StringJoiner(" + ");
        for (int i = 0; i < TERMINAL.size(); i++) {
            RecordState state = TERMINAL.get(i);
            if (state == RecordState.FAILED || state == RecordState.TIMED_OUT) {
                String column = RecordTransitions.counterColumn(state);
                unfinishedPages.add("j." + column + " + u.n" + i);
            }
        }
        String exportFailed = "j.kind = 'export' AND " + unfinishedPages + " > 0";
        return """
                WITH upd AS (
                    UPDATE jobs j SET %s, result_seq = j.result_seq + u.seq,
                        state = CASE WHEN %s THEN (CASE WHEN %s THEN %s ELSE %s END) ELSE j.state END,
                        error = CASE WHEN %s AND %s THEN (SELECT coalesce(r.error->>'message', 'a page failed')
                            FROM job_records r WHERE r.job_id = j.id AND r.status IN (%s, %s) ORDER BY r.idx LIMIT 1)
                            ELSE j.error END,
                        finished_at = CASE WHEN %s THEN clock_timestamp() ELSE j.finished_at END
                    FROM unnest(%s) AS u(%s)
                    WHERE j.id = u.id
                    RETURNING j.id, j.state, j.tenant_id, %s AS n),
                -- the tenants' drain rate: one sample per tenant of what this batch stored
                sampled AS (%s)
                SELECT id FROM upd WHERE state IN (%s, %s)""".formatted(set, completes, exportFailed,
                JobTransitions.sql(JobState.FAILED), JobTransitions.sql(JobState.COMPLETED), completes, exportFailed,
                RecordTransitions.sql(RecordState.FAILED), RecordTransitions.sql(RecordState.TIMED_OUT),
                completes, arrays, columns, drained, DrainRate.sqlSample("upd"), JobTransitions.sql(JobState.COMPLETED),
                JobTransitions.sql(JobState.FAILED));
    }

    /**
     * What storing a batch did: the jobs it finished, the jobs it named that do not exist (and never did), and the
     * queued jobs promoted into the slots the finished ones freed (already started when this is answered).
     */
    public record Stored(List<UUID> finished, Set<UUID> unknown, List<JobQueue.Promoted> promoted) {

        /** What several stores did, as one. */
        static Stored merged(List<Stored> parts) {
            List<UUID> finished = new ArrayList<>();
            Set<UUID> unknown = new HashSet<>();
            List<JobQueue.Promoted> promoted = new ArrayList<>();
            for (Stored s : parts) {
                finished.addAll(s.finished());
                unknown.addAll(s.unknown());
                promoted.addAll(s.promoted());
            }
            return new Stored(finished, unknown, promoted);
        }
    }

    /**
     * Stores a batch of outcomes. Job rows are locked first, in id order, so outcome order ({@code seq}, and
     * {@code completed_at}, taken once per statement after the locks) follows commit order. Outcomes of jobs that have
     * ended change nothing; outcomes of jobs that do not exist are reported, not stored. Queued jobs promoted by the
     * jobs this batch finished are started once it has committed.
     */
    public Uni<Stored> store(List<RecordOutcome> batch) {
        // made anew for each subscription: a retry after a failed transaction (OutcomeWriter) starts from the batch as
        // it came, not from what the failed attempt made of it (export pages taken out, unaffordable ones turned into
        // failures, next pages gathered)
        return Uni.createFrom().deferred(() -> attempt(batch));
    }

    private Uni<Stored> attempt(List<RecordOutcome> batch) {
        Map<UUID, Map<Integer, RecordOutcome>> byJob = new HashMap<>();
        for (RecordOutcome o : batch) {
            byJob.computeIfAbsent(o.jobId(), k -> new LinkedHashMap<>()).putIfAbsent(o.index(), o);
        }
        UUID[] jobIds = byJob.keySet().stream().sorted().toArray(UUID[]::new);
        List<ExportPages.NextPage> next = new ArrayList<>();
        return pool.withTransaction(conn -> lockJobs(conn, jobIds)
                .chain(locked -> unknown(conn, jobIds, locked.seqBase())
                        .chain(unknown -> {
                            // an export's page outcomes carry its rows: they are stored beside, not in the record
                            Map<UUID, Map<Integer, ExportPages.Page>> pages = ExportPages.take(byJob, locked.exports().keySet());
                            return exportPages.afford(conn, locked.exports(), locked.tenants(), pages, byJob)
                                    .chain(charges -> updateRecords(conn, byJob, locked.seqBase())
                                            .call(changed -> exportPages.store(conn, locked.exports(), pages, changed.pages(),
                                                    charges).invoke(next::addAll)))
                                    .chain(changed -> updateJobs(conn, changed))
                                    .chain(finished -> jobs.ended(conn, finished.toArray(UUID[]::new))
                                            .map(promoted -> new Stored(finished, unknown, promoted)));
                        })))
                .invoke(stored -> {
                    jobs.startPromoted(stored.promoted());
                    // committed: the next pages of exports go to the jobs topic (their job row is their outbox)
                    next.forEach(exportPages::publish);
                });
    }

    /** Of the jobs not locked (ended, or absent), those that neither exist nor left a tombstone. */
    private static Uni<Set<UUID>> unknown(SqlConnection conn, UUID[] jobIds, Map<UUID, Long> locked) {
        UUID[] missing = Arrays.stream(jobIds).filter(id -> !locked.containsKey(id)).toArray(UUID[]::new);
        if (missing.length == 0) {
            return Uni.createFrom().item(Set.of());
        }
        return conn.preparedQuery("""
                        SELECT m.id FROM unnest($1::uuid[]) AS m(id)
                        WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = m.id)
                          AND NOT EXISTS (SELECT 1 FROM expired_jobs e WHERE e.id = m.id)""")
                .execute(Tuple.of(missing))
                .map(rows -> {
                    Set<UUID> out = new HashSet<>();
                    rows.forEach(r -> out.add(r.getUUID("id")));
                    return out;
                });
    }

    /** The jobs locked: each one's store-order base, the exports among them, and all their tenants. */
    private record Locked(Map<UUID, Long> seqBase, Map<UUID, ExportPages.Export> exports, Set<UUID> tenants) {
    }

    private Uni<Locked> lockJobs(SqlConnection conn, UUID[] jobIds) {
        return conn.preparedQuery(LOCK_JOBS)
                .execute(Tuple.of(jobIds))
                .map(rows -> {
                    Map<UUID, Long> base = new HashMap<>();
                    Map<UUID, ExportPages.Export> exports = new HashMap<>();
                    Set<UUID> tenants = new java.util.TreeSet<>();
                    for (Row r : rows) {
                        base.put(r.getUUID("id"), r.getLong("result_seq"));
                        tenants.add(r.getUUID("tenant_id"));
                        if ("export".equals(r.getString("kind"))) {
                            exports.put(r.getUUID("id"), new ExportPages.Export(r.getUUID("id"), r.getUUID("tenant_id"),
                                    r.getString("type"), r.getLong("export_rows"), Boolean.TRUE.equals(r.getBoolean("metered"))));
                        }
                    }
                    return new Locked(base, exports, tenants);
                });
    }

    /**
     * Per job: how many records took each terminal state, and how many store-order numbers the batch used; and the
     * records that took their outcome now, with it, by job and index.
     */
    private record Changed(Map<UUID, Map<RecordState, Integer>> counts, Map<UUID, Integer> seqUsed,
                           Map<UUID, Map<Integer, RecordState>> pages) {
    }

    private Uni<Changed> updateRecords(SqlConnection conn, Map<UUID, Map<Integer, RecordOutcome>> byJob,
                                       Map<UUID, Long> seqBase) {
        int n = byJob.values().stream().mapToInt(Map::size).sum();
        UUID[] jobs = new UUID[n];
        Integer[] idx = new Integer[n];
        String[] status = new String[n];
        Integer[] code = new Integer[n];
        Integer[] attempts = new Integer[n];
        OffsetDateTime[] started = new OffsetDateTime[n];
        Long[] duration = new Long[n];
        Long[] seq = new Long[n];
        String[] result = new String[n];
        String[] error = new String[n];
        Map<UUID, Integer> seqUsed = new HashMap<>();
        int i = 0;
        for (var e : byJob.entrySet()) {
            Long base = seqBase.get(e.getKey());
            if (base == null) {
                continue; // job already final or gone: nothing to store
            }
            int ord = 0;
            for (RecordOutcome o : e.getValue().values()) {
                jobs[i] = o.jobId();
                idx[i] = o.index();
                status[i] = o.status().wire();
                code[i] = o.statusCode();
                attempts[i] = o.attempts();
                started[i] = o.startedAt() == null ? null : o.startedAt().atOffset(ZoneOffset.UTC);
                duration[i] = o.durationMs();
                seq[i] = base + (++ord);
                result[i] = o.result() == null ? null : RawJson.text(o.result());
                error[i] = o.error() == null ? null : json.valueToTree(o.error()).toString();
                i++;
            }
            seqUsed.put(e.getKey(), ord);
        }
        if (i == 0) {
            return Uni.createFrom().item(new Changed(Map.of(), Map.of(), Map.of()));
        }
        int used = i;
        return conn.preparedQuery(UPDATE_RECORDS)
                .execute(Tuple.from(new Object[]{trim(jobs, used), trim(idx, used), trim(status, used), trim(code, used),
                        trim(attempts, used), trim(started, used), trim(duration, used), trim(seq, used),
                        trim(result, used), trim(error, used)}))
                .map(rows -> {
                    Map<UUID, Map<RecordState, Integer>> counts = new HashMap<>();
                    Map<UUID, Map<Integer, RecordState>> changed = new HashMap<>();
                    for (Row r : rows) {
                        RecordState state = RecordState.fromWire(r.getString("status"));
                        counts.computeIfAbsent(r.getUUID("job_id"), k -> new EnumMap<>(RecordState.class))
                                .merge(state, 1, Integer::sum);
                        changed.computeIfAbsent(r.getUUID("job_id"), k -> new HashMap<>()).put(r.getInteger("idx"), state);
                    }
                    return new Changed(counts, seqUsed, changed);
                });
    }

    private Uni<List<UUID>> updateJobs(SqlConnection conn, Changed changed) {
        if (changed.counts().isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        int n = changed.counts().size();
        UUID[] ids = new UUID[n];
        Integer[][] byState = new Integer[TERMINAL.size()][n];
        Integer[] seq = new Integer[n];
        int i = 0;
        for (var e : changed.counts().entrySet()) {
            ids[i] = e.getKey();
            for (int s = 0; s < TERMINAL.size(); s++) {
                byState[s][i] = e.getValue().getOrDefault(TERMINAL.get(s), 0);
            }
            seq[i] = changed.seqUsed().get(e.getKey());
            i++;
        }
        Object[] args = new Object[TERMINAL.size() + 2];
        args[0] = ids;
        System.arraycopy(byState, 0, args, 1, TERMINAL.size());
        args[args.length - 1] = seq;
        return conn.preparedQuery(UPDATE_JOBS)
                .execute(Tuple.from(args))
                .map(rows -> {
                    List<UUID> finished = new ArrayList<>();
                    for (Row r : rows) {
                        finished.add(r.getUUID("id"));
                    }
                    return finished;
                });
    }

    private static <T> T[] trim(T[] a, int n) {
        return n == a.length ? a : Arrays.copyOf(a, n);
    }
}
