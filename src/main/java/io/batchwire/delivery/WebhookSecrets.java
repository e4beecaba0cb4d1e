package io.batchwire.delivery;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A tenant's webhook signing secrets: made on first use; a rotation keeps the old one signing for a while. Stored
 * sealed ({@link SecretSealer}); a value sealed under a previous key, or still plain, is sealed anew when read.
 */
@ApplicationScoped
public class WebhookSecrets {

    private static final Logger LOG = Logger.getLogger(WebhookSecrets.class);

    private final Pool pool;
    private final DeliveryConfig config;
    private final SecretSealer sealer;

    public WebhookSecrets(Pool pool, DeliveryConfig config, SecretSealer sealer) {
        this.pool = pool;
        this.config = config;
        this.sealer = sealer;
    }

    /** The current secret and, during a rotation, the previous one. */
    public record Secrets(String secret, String previousSecret, OffsetDateTime previousValidUntil) {
        /** The secrets to sign with now, current first. */
        public List<String> signing() {
            List<String> out = new ArrayList<>(2);
            out.add(secret);
            if (previousSecret != null && previousValidUntil != null && previousValidUntil.isAfter(OffsetDateTime.now())) {
                out.add(previousSecret);
            }
            return out;
        }
    }

    public Uni<Secrets> get(UUID tenantId) {
        return pool.preparedQuery("""
                        UPDATE tenants SET webhook_secret = coalesce(webhook_secret, $2) WHERE id = $1
                        RETURNING webhook_secret, webhook_secret_previous, webhook_secret_previous_until""")
                .execute(Tuple.of(tenantId, sealer.seal(WebhookSigner.newSecret())))
                .map(rows -> read(tenantId, rows.iterator().next()));
    }

    public Uni<Secrets> rotate(UUID tenantId) {
        return get(tenantId).chain(() -> pool.preparedQuery("""
                                UPDATE tenants SET webhook_secret_previous = webhook_secret,
                                    webhook_secret_previous_until = now() + make_interval(secs => $3), webhook_secret = $2
                                WHERE id = $1
                                RETURNING webhook_secret, webhook_secret_previous, webhook_secret_previous_until""")
                        .execute(Tuple.of(tenantId, sealer.seal(WebhookSigner.newSecret()),
                                (double) config.secretOverlap().toSeconds())))
                .map(rows -> read(tenantId, rows.iterator().next()));
    }

    /** Seals anew, now, every secret sealed under an earlier key (or still plain); returns how many tenants. */
    public Uni<Integer> resealAll() {
        return pool.preparedQuery("""
                        SELECT id, webhook_secret, webhook_secret_previous FROM tenants
                        WHERE webhook_secret IS NOT NULL OR webhook_secret_previous IS NOT NULL""")
                .execute()
                .chain(rows -> {
                    List<Uni<Boolean>> updates = new ArrayList<>();
                    for (Row r : rows) {
                        updates.add(reseal(r.getUUID("id"), r.getString("webhook_secret"), r.getString("webhook_secret_previous")));
                    }
                    return updates.isEmpty() ? Uni.createFrom().item(0)
                            : Uni.join().all(updates).andFailFast().map(done -> (int) done.stream().filter(b -> b).count());
                });
    }

    private Secrets read(UUID tenantId, Row r) {
        String current = r.getString("webhook_secret");
        String previous = r.getString("webhook_secret_previous");
        if (sealer.needsResealing(current) || sealer.needsResealing(previous)) {
            reseal(tenantId, current, previous).subscribe().with(done -> { },
                    t -> LOG.warnf("webhook secrets of tenant %s not sealed anew: %s", tenantId, t.getMessage()));
        }
        return new Secrets(sealer.open(current), sealer.open(previous), r.getOffsetDateTime("webhook_secret_previous_until"));
    }

    /** Seals a tenant's secrets under the current key, if they are still what was read (a rotation meanwhile wins). */
    private Uni<Boolean> reseal(UUID tenantId, String current, String previous) {
        if (!sealer.needsResealing(current) && !sealer.needsResealing(previous)) {
            return Uni.createFrom().item(false);
        }
        String c = current == null || !sealer.needsResealing(current) ? current : sealer.seal(sealer.open(current));
        String p = previous == null || !sealer.needsResealing(previous) ? previous : sealer.seal(sealer.open(previous));
        return pool.preparedQuery("""
                        UPDATE tenants SET webhook_secret = $2, webhook_secret_previous = $3
                        WHERE id = $1 AND webhook_secret IS NOT DISTINCT FROM $4 AND webhook_secret_previous IS NOT DISTINCT FROM $5""")
                .execute(Tuple.of(tenantId, c, p, current, previous))
                .map(rows -> rows.rowCount() == 1);
    }
}
