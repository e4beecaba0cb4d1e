package io.batchwire.collection;

import io.batchwire.job.Job;
import io.batchwire.job.JobState;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Reads of runs: the jobs of one collection (served by the jobs_collection indexes). */
@ApplicationScoped
public class RunRepository implements PanacheRepositoryBase<Job, UUID> {

    public Uni<Job> findRun(UUID tenantId, UUID collectionId, UUID runId) {
        return find("id = :id and tenantId = :tenant and collectionId = :collection",
                Parameters.with("id", runId).and("tenant", tenantId).and("collection", collectionId)).firstResult();
    }

    /** Newest first, keyset-paged on (created_at, id); {@code states} empty means any. */
    public Uni<List<Job>> page(UUID tenantId, UUID collectionId, Set<JobState> states, OffsetDateTime beforeCreated,
                               UUID beforeId, int limit) {
        StringBuilder q = new StringBuilder("collectionId = :collection and tenantId = :tenant");
        Parameters p = Parameters.with("collection", collectionId).and("tenant", tenantId);
        if (!states.isEmpty()) {
            q.append(" and state in :states");
            p.and("states", states);
        }
        if (beforeCreated != null) {
            q.append(" and (createdAt < :ts or (createdAt = :ts and id < :id))");
            p.and("ts", beforeCreated).and("id", beforeId);
        }
        q.append(" order by createdAt desc, id desc");
        return find(q.toString(), p).range(0, limit - 1).list();
    }

    /** How many runs of the collection are in {@code states} (any when empty). */
    public Uni<Long> countRuns(UUID tenantId, UUID collectionId, Set<JobState> states) {
        if (states.isEmpty()) {
            return count("collectionId = :collection and tenantId = :tenant",
                    Parameters.with("collection", collectionId).and("tenant", tenantId));
        }
        return count("collectionId = :collection and tenantId = :tenant and state in :states",
                Parameters.with("collection", collectionId).and("tenant", tenantId).and("states", states));
    }
}
