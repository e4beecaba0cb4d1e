package io.batchwire.tenant;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Map;

/**
 * Tenants created at start-up if missing, for a first start and for the demo:
 * {@code batchwire.tenants.seed.acme.api-key=...}. Keep real keys out of application.properties (use env vars).
 */
@ConfigMapping(prefix = "batchwire.tenants")
public interface TenantSeedConfig {

    Map<String, Seed> seed();

    interface Seed {
        String apiKey();

        @WithDefault("growth")
        String plan();
    }
}
