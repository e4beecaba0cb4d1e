package io.batchwire.collection;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A saved collection of http requests; its requests live in {@code collection_requests}, its runs are jobs. */
@Entity
@Table(name = "collections")
public class RequestCollection extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false)
    public UUID tenantId;

    @Column(nullable = false)
    public String name;

    @Column(name = "request_count", nullable = false)
    public int requestCount;

    @Column(name = "webhook_url")
    public String webhookUrl;

    /** Each request's time limit in a run, over all its attempts (null on collections made before it existed). */
    @Column(name = "request_timeout_seconds")
    public Integer requestTimeoutSeconds;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
