package io.batchwire.job;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads of jobs; a tenant only ever sees its own. */
@ApplicationScoped
public class JobRepository implements PanacheRepositoryBase<Job, UUID> {

    /** The jobs {@code filter} selects, newest first, keyset-paged on (created_at, id). */
    public Uni<List<Job>> page(JobFilter filter, OffsetDateTime beforeCreated, UUID beforeId, int limit) {
        Parameters p = new Parameters();
        StringBuilder q = where(filter, p);
        if (beforeCreated != null) {
            q.append(" and (createdAt < :ts or (createdAt = :ts and id < :id))");
            p.and("ts", beforeCreated).and("id", beforeId);
        }
        q.append(" order by createdAt desc, id desc");
        return find(q.toString(), p).range(0, limit - 1).list();
    }

    /** How many jobs {@code filter} selects in each state (its own state left out); states without jobs are absent. */
    public Uni<Map<JobState, Long>> countByState(JobFilter filter) {
        Parameters p = new Parameters();
        String q = "select state, count(*) from Job where " + where(filter.anyState(), p) + " group by state";
        return getSession().chain(s -> {
            var query = s.createSelectionQuery(q, Object[].class);
            p.map().forEach(query::setParameter);
            return query.getResultList();
        }).map(rows -> {
            Map<JobState, Long> out = new EnumMap<>(JobState.class);
            for (Object[] r : rows) {
                out.put((JobState) r[0], ((Number) r[1]).longValue());
            }
            return out;
        });
    }

    /** The jobs of these ids (those that exist), in no particular order. */
    public Uni<List<Job>> byIds(UUID tenantId, List<UUID> ids) {
        if (tenantId == null) {
            return list("id in ?1", ids);
        }
        return list("id in ?1 and tenantId = ?2", ids, tenantId);
    }

    private static StringBuilder where(JobFilter f, Parameters p) {
        StringBuilder q = new StringBuilder("1 = 1");
        if (f.tenantId() != null) {
            q.append(" and tenantId = :tenant");
            p.and("tenant", f.tenantId());
        }
        if (f.state() != null) {
            q.append(" and state = :state");
            p.and("state", f.state());
        }
        if (f.type() != null) {
            q.append(" and type = :type");
            p.and("type", f.type());
        }
        if (f.from() != null) {
            q.append(" and createdAt >= :from");
            p.and("from", f.from());
        }
        if (f.to() != null) {
            q.append(" and createdAt < :to");
            p.and("to", f.to());
        }
        return q;
    }
}
