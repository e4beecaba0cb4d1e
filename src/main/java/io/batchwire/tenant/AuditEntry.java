package io.batchwire.tenant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;

/** One action of the admin API: what it was, on what, with which values. */
@Entity
@Table(name = "admin_audit")
public class AuditEntry extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, insertable = false, updatable = false)
    public OffsetDateTime at;

    @Column(nullable = false)
    public String action;

    public String target;

    /** Raw JSON text. */
    @JdbcTypeCode(SqlTypes.VARCHAR)
    @ColumnTransformer(read = "detail::text", write = "?::text::jsonb")
    public String detail;
}
