package io.batchwire.job;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * The two steps of retention, for any rule: a finished job's record bodies go first (the job and its records' metadata
 * stay), and later the whole job goes, leaving a tombstone so its id answers 410 for a while. Safe with several
 * replicas: each statement takes its jobs with {@code FOR UPDATE SKIP LOCKED}, oldest first, a batch at a time.
 */
@ApplicationScoped
public class RetentionStore {

    private final Pool pool;

    public RetentionStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Which finished jobs a retention covers and when: {@code from} names the job rows {@code j} (and may join more),
     * {@code bodiesDue} and {@code jobsDue} are conditions on them (with {@code $2} onwards the caller's), and
     * {@code clear} is the {@code SET} list that empties a record's bodies.
     */
    public record Rule(String purgeBodies, String deleteJobs) {

        public static Rule of(String from, String bodiesDue, String clear, String jobsDue) {
            String bodies = """
                    WITH due AS (
                        SELECT j.id FROM %s
                        WHERE j.finished_at IS NOT NULL AND j.bodies_purged_at IS NULL AND (%s)
                        ORDER BY j.finished_at LIMIT $1
                        FOR UPDATE OF j SKIP LOCKED),
                    -- a data-modifying WITH always runs, whether or not the outer statement reads it
                    bodies AS (
                        UPDATE job_records SET %s WHERE job_id IN (SELECT id FROM due)),
                    -- an export's rows are its bodies
                    exported AS (
                        DELETE FROM export_rows WHERE job_id IN (SELECT id FROM due))
                    UPDATE jobs SET bodies_purged_at = now()
                    WHERE id IN (SELECT id FROM due)""".formatted(from, bodiesDue, clear);
            String jobs = """
                    WITH gone AS (
                        DELETE FROM jobs WHERE id IN (
                            SELECT j.id FROM %s
                            WHERE j.finished_at IS NOT NULL AND (%s)
                            ORDER BY j.finished_at LIMIT $1
                            FOR UPDATE OF j SKIP LOCKED)
                        RETURNING id, tenant_id)
                    INSERT INTO expired_jobs (id, tenant_id) SELECT id, tenant_id FROM gone
                    ON CONFLICT (id) DO NOTHING""".formatted(from, jobsDue);
            return new Rule(bodies, jobs);
        }
    }

    /** Empties the record bodies of up to {@code batch} jobs due; returns how many jobs. */
    public Uni<Integer> purgeBodies(Rule rule, int batch, Object... args) {
        return pool.preparedQuery(rule.purgeBodies()).execute(tuple(batch, args)).map(r -> r.rowCount());
    }

    /** Removes up to {@code batch} jobs due, leaving their tombstones; returns how many. */
    public Uni<Integer> deleteJobs(Rule rule, int batch, Object... args) {
        return pool.preparedQuery(rule.deleteJobs()).execute(tuple(batch, args)).map(r -> r.rowCount());
    }

    /** Forgets tombstones older than {@code seconds}. */
    public Uni<Integer> deleteTombstones(double seconds) {
        return pool.preparedQuery("DELETE FROM expired_jobs WHERE expired_at < now() - make_interval(secs => $1)")
                .execute(Tuple.of(seconds)).map(r -> r.rowCount());
    }

    private static Tuple tuple(int batch, Object[] args) {
        List<Object> all = new ArrayList<>(args.length + 1);
        all.add(batch);
        all.addAll(List.of(args));
        return Tuple.from(all);
    }
}
