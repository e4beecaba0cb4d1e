package io.batchwire.testing;

import io.batchwire.tenant.ApiKey;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/** Direct JDBC access to the test database, for setting up tenants and for simulating crashes. */
public final class Db {

    private Db() {
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(TestInfra.jdbcUrl(), TestInfra.DB_USER, TestInfra.DB_PASSWORD);
    }

    /** A new tenant of its own for one test, on the growth plan; returns its API key. */
    public static Tenant newTenant() {
        return newTenant("growth");
    }

    /** Creates (or replaces) an unmetered plan for a test. */
    public static void plan(String name, int maxRecords, int maxJobs, int maxQueued, long retentionSeconds, Integer defaultTimeout) {
        plan(name, maxRecords, maxJobs, maxQueued, retentionSeconds, defaultTimeout, false);
    }

    /** Creates (or replaces) a plan for a test; a metered one charges credits. */
    public static void plan(String name, int maxRecords, int maxJobs, int maxQueued, long retentionSeconds, Integer defaultTimeout,
                            boolean metered) {
        exec("""
                INSERT INTO plans (name, max_records_per_job, max_concurrent_jobs, max_queued_records, retention_seconds,
                                   default_timeout_seconds, metered)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET max_records_per_job = EXCLUDED.max_records_per_job,
                    max_concurrent_jobs = EXCLUDED.max_concurrent_jobs, max_queued_records = EXCLUDED.max_queued_records,
                    retention_seconds = EXCLUDED.retention_seconds, default_timeout_seconds = EXCLUDED.default_timeout_seconds,
                    metered = EXCLUDED.metered""",
                name, maxRecords, maxJobs, maxQueued, retentionSeconds, defaultTimeout, metered);
    }

    /** A metered plan with the given concurrent-jobs limit, and otherwise roomy limits. */
    public static void meteredPlan(String name, int maxJobs) {
        plan(name, 1000, maxJobs, 100_000, 86_400, null, true);
    }

    /**
     * The most jobs of the tenant that held a concurrent-job slot at once, from what the store kept: a slot is held
     * from the job's start (its submit, or its promotion out of the queue) to its end. Needs a plan with a default
     * time limit of {@code timeoutSeconds}, since the time limit runs from that start ({@code deadline_at}).
     */
    public static long mostRunningAtOnce(UUID tenantId, int timeoutSeconds) {
        return count("""
                WITH slot AS (
                    SELECT deadline_at - make_interval(secs => ?) AS from_t, coalesce(finished_at, 'infinity') AS to_t
                    FROM jobs WHERE tenant_id = ? AND deadline_at IS NOT NULL)
                SELECT coalesce(max(n), 0) FROM (
                    SELECT (SELECT count(*) FROM slot o WHERE o.from_t <= s.from_t AND o.to_t > s.from_t) AS n FROM slot s) x""",
                timeoutSeconds, tenantId);
    }

    /** Sets a plan's weight (its tenants' share of a busy upstream). */
    public static void planWeight(String name, int weight) {
        exec("UPDATE plans SET weight = ? WHERE name = ?", weight, name);
    }

    /** A new tenant on the given plan. */
    public static Tenant newTenant(String plan) {
        UUID id = UUID.randomUUID();
        String key = "test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = connect()) {
            try (PreparedStatement t = c.prepareStatement("INSERT INTO tenants (id, name, plan) VALUES (?, ?, ?)")) {
                t.setObject(1, id);
                t.setString(2, "t-" + id);
                t.setString(3, plan);
                t.executeUpdate();
            }
            try (PreparedStatement k = c.prepareStatement("INSERT INTO api_keys (key_hash, tenant_id, prefix) VALUES (?, ?, ?)")) {
                k.setBytes(1, ApiKey.hash(key));
                k.setObject(2, id);
                k.setString(3, ApiKey.prefixOf(key));
                k.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new Tenant(id, key);
    }

    public static long count(String sql, Object... args) {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void exec(String sql, Object... args) {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            s.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public record Tenant(UUID id, String apiKey) {
    }
}
