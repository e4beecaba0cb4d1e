package io.batchwire.delivery;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A tenant's webhook signing secrets: made on first use; a rotation keeps the old one signing for a while. */
@ApplicationScoped
public class WebhookSecrets {

    private final Pool pool;
    private final DeliveryConfig config;

    public WebhookSecrets(Pool pool, DeliveryConfig config) {
        this.pool = pool;
        this.config = config;
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
                .execute(Tuple.of(tenantId, WebhookSigner.newSecret()))
                .map(rows -> read(rows.iterator().next()));
    }

    public Uni<Secrets> rotate(UUID tenantId) {
        return get(tenantId).chain(() -> pool.preparedQuery("""
                                UPDATE tenants SET webhook_secret_previous = webhook_secret,
                                    webhook_secret_previous_until = now() + make_interval(secs => $3), webhook_secret = $2
                                WHERE id = $1
                                RETURNING webhook_secret, webhook_secret_previous, webhook_secret_previous_until""")
                        .execute(Tuple.of(tenantId, WebhookSigner.newSecret(), (double) config.secretOverlap().toSeconds())))
                .map(rows -> read(rows.iterator().next()));
    }

    private static Secrets read(Row r) {
        return new Secrets(r.getString("webhook_secret"), r.getString("webhook_secret_previous"),
                r.getOffsetDateTime("webhook_secret_previous_until"));
    }
}
