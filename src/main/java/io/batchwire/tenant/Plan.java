package io.batchwire.tenant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A tenant's limits. */
@Entity
@Table(name = "plans")
public class Plan extends PanacheEntityBase {

    @Id
    public String name;

    @Column(name = "max_records_per_job", nullable = false)
    public int maxRecordsPerJob;

    @Column(name = "max_concurrent_jobs", nullable = false)
    public int maxConcurrentJobs;

    @Column(name = "max_queued_records", nullable = false)
    public int maxQueuedRecords;

    @Column(name = "retention_seconds", nullable = false)
    public long retentionSeconds;

    @Column(name = "default_timeout_seconds")
    public Integer defaultTimeoutSeconds;

    /** The tenant's share of a busy upstream, relative to the other waiting tenants' (default 1). */
    public int weight = 1;

    /** Submits are charged credits (records x the upstream's price); unmetered plans are never charged. */
    @Column(nullable = false)
    public boolean metered;
}
