package io.batchwire.collection;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Reads of collections; a tenant only ever sees its own. */
@ApplicationScoped
public class CollectionRepository implements PanacheRepositoryBase<RequestCollection, UUID> {

    public Uni<RequestCollection> findForTenant(UUID tenantId, UUID id) {
        return find("id = :id and tenantId = :tenant", Parameters.with("id", id).and("tenant", tenantId)).firstResult();
    }

    /** Newest first, keyset-paged on (created_at, id). */
    public Uni<List<RequestCollection>> page(UUID tenantId, OffsetDateTime beforeCreated, UUID beforeId, int limit) {
        StringBuilder q = new StringBuilder("tenantId = :tenant");
        Parameters p = Parameters.with("tenant", tenantId);
        if (beforeCreated != null) {
            q.append(" and (createdAt < :ts or (createdAt = :ts and id < :id))");
            p.and("ts", beforeCreated).and("id", beforeId);
        }
        q.append(" order by createdAt desc, id desc");
        return find(q.toString(), p).range(0, limit - 1).list();
    }

    public Uni<Boolean> deleteForTenant(UUID tenantId, UUID id) {
        return delete("id = :id and tenantId = :tenant", Parameters.with("id", id).and("tenant", tenantId))
                .map(n -> n > 0);
    }
}
