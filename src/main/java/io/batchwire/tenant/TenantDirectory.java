package io.batchwire.tenant;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Resolves API keys to tenants, with a short bounded cache so the hot path does not hit the database per request. */
@ApplicationScoped
public class TenantDirectory {

    private static final Duration TTL = Duration.ofSeconds(30);
    private static final int MAX_ENTRIES = 10_000;

    private final Map<ByteBuffer, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Optional<CurrentTenant.AuthenticatedTenant> tenant, long expiresAt) {
    }

    public Uni<Optional<CurrentTenant.AuthenticatedTenant>> byKey(String key) {
        return byKeyHash(ApiKey.hash(key));
    }

    /**
     * The tenant of a key known only by its hash ({@link ApiKey#hash}), e.g. from a console session, which never holds
     * the key itself; a revoked key finds none.
     */
    public Uni<Optional<CurrentTenant.AuthenticatedTenant>> byKeyHash(byte[] hash) {
        ByteBuffer cacheKey = ByteBuffer.wrap(hash);
        Cached hit = cache.get(cacheKey);
        long now = System.nanoTime();
        if (hit != null && hit.expiresAt - now > 0) {
            return Uni.createFrom().item(hit.tenant);
        }
        return lookup(hash).invoke(found -> {
            if (cache.size() >= MAX_ENTRIES) {
                cache.clear();
            }
            cache.put(cacheKey, new Cached(found, now + TTL.toNanos()));
        });
    }

    @WithSession
    Uni<Optional<CurrentTenant.AuthenticatedTenant>> lookup(byte[] hash) {
        return ApiKey.<ApiKey>find("keyHash = ?1 and revokedAt is null", (Object) hash).firstResult()
                .map(k -> Optional.ofNullable(k).map(found ->
                        new CurrentTenant.AuthenticatedTenant(found.tenant.id, found.tenant.name, found.tenant.plan)));
    }

    /** Forget cached keys, e.g. after a key is revoked. */
    public void invalidate() {
        cache.clear();
    }
}
