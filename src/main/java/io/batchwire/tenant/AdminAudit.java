package io.batchwire.tenant;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;

/**
 * The admin API's audit trail: every change it makes is written in the change's own transaction (so an action that
 * rolls back leaves no entry, and none happens unrecorded), newest first for reading. Secrets (API keys) are never
 * part of an entry; a key is named by its prefix.
 */
@ApplicationScoped
public class AdminAudit {

    private final ObjectMapper json;

    public AdminAudit(ObjectMapper json) {
        this.json = json;
    }

    /** Records an action, inside the caller's transaction (or one of its own). */
    @WithTransaction
    public Uni<Void> record(String action, String target, Map<String, ?> detail) {
        AuditEntry e = new AuditEntry();
        e.action = action;
        e.target = target;
        e.detail = detail(detail);
        return e.persist().replaceWithVoid();
    }

    /** Records an action on {@code conn}, a plain SQL connection whose transaction is the action's. */
    public Uni<Void> record(SqlClient conn, String action, String target, Map<String, ?> detail) {
        return conn.preparedQuery("INSERT INTO admin_audit (action, target, detail) VALUES ($1, $2, $3::text::jsonb)")
                .execute(Tuple.of(action, target, detail(detail))).replaceWithVoid();
    }

    private String detail(Map<String, ?> detail) {
        try {
            return detail == null ? null : json.writeValueAsString(detail);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Entries newest first, before {@code beforeId} when given. */
    @WithSession
    public Uni<List<AuditEntry>> page(Long beforeId, int limit) {
        return (beforeId == null ? AuditEntry.<AuditEntry>findAll(Sort.descending("id"))
                : AuditEntry.<AuditEntry>find("id < ?1", Sort.descending("id"), beforeId))
                .range(0, limit - 1).list();
    }
}
