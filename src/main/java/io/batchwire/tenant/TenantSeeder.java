package io.batchwire.tenant;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/** Creates the configured seed tenants and keys at start-up (on the main thread, over JDBC, after Flyway). */
@ApplicationScoped
public class TenantSeeder {

    private static final Logger LOG = Logger.getLogger(TenantSeeder.class);

    private final TenantSeedConfig config;
    private final AgroalDataSource dataSource;

    public TenantSeeder(TenantSeedConfig config, AgroalDataSource dataSource) {
        this.config = config;
        this.dataSource = dataSource;
    }

    void onStart(@Observes StartupEvent event) throws SQLException {
        if (config.seed().isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            for (var e : config.seed().entrySet()) {
                UUID id = UUID.nameUUIDFromBytes(("tenant:" + e.getKey()).getBytes());
                // no conflict target: the id and the name are both unique, and replicas starting together (a
                // deployment's pods) insert the same row at once; a conflict on either must be "already there"
                try (PreparedStatement t = c.prepareStatement(
                        "INSERT INTO tenants (id, name, plan) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                    t.setObject(1, id);
                    t.setString(2, e.getKey());
                    t.setString(3, e.getValue().plan());
                    t.executeUpdate();
                }
                try (PreparedStatement k = c.prepareStatement("""
                        INSERT INTO api_keys (key_hash, tenant_id, prefix)
                        SELECT ?, id, ? FROM tenants WHERE name = ? ON CONFLICT (key_hash) DO NOTHING""")) {
                    k.setBytes(1, ApiKey.hash(e.getValue().apiKey()));
                    k.setString(2, ApiKey.prefixOf(e.getValue().apiKey()));
                    k.setString(3, e.getKey());
                    k.executeUpdate();
                }
                LOG.infof("seed tenant %s ready", e.getKey());
            }
        }
    }
}
