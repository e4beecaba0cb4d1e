package io.batchwire.cluster;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * This process as the cluster sees it: an id, and a lease in the {@code replicas} table that the heartbeat renews.
 * Claims on chunks are made under the id and are void once the lease has run out. A replica that could not renew
 * in time must assume that others took its claims over, so it stops starting upstream calls ({@link #holdsLease}) and,
 * once it can renew again, comes back under a new id: what it claimed before is nobody's then, not its own.
 */
@Singleton // not a client proxy: it is called on every record's path (issue 17)
public class Replica {

    private static final Logger LOG = Logger.getLogger(Replica.class);

    private final Pool pool;
    private final ClusterConfig config;
    private final Vertx vertx;
    private final AtomicBoolean renewing = new AtomicBoolean();
    private final String host;
    private volatile UUID id = UUID.randomUUID();
    /** System.nanoTime() until which the lease surely holds (renewal time plus lease, less a margin); 0: none yet. */
    private volatile long holdsUntil;
    private volatile boolean leaving;

    public Replica(Pool pool, ClusterConfig config, Vertx vertx) {
        this.pool = pool;
        this.config = config;
        this.vertx = vertx;
        this.host = hostName();
    }

    public UUID id() {
        return id;
    }

    /** Whether this replica may start upstream calls for its claims: its lease surely still holds. */
    public boolean holdsLease() {
        long until = holdsUntil;
        return until != 0 && System.nanoTime() - until < 0;
    }

    /**
     * Joins at start-up and renews every {@code heartbeat}, on a Vert.x timer rather than the scheduler: the lease
     * must hold through a graceful shutdown, while the scheduler stops. Nothing is claimed until the lease holds.
     */
    void register(@Observes StartupEvent ignored) {
        heartbeat();
        vertx.setPeriodic(config.heartbeat().toMillis(), id -> heartbeat());
    }

    private void heartbeat() {
        if (leaving || !renewing.compareAndSet(false, true)) {
            return;
        }
        renew().onFailure().invoke(t -> LOG.warnf("replica %s: lease not renewed: %s", id, t.getMessage()))
                .onFailure().recoverWithNull()
                .subscribe().with(done -> renewing.set(false));
    }

    /** Renews the lease (inserting the row if it is gone); a lapsed lease first takes a new id. */
    private Uni<Void> renew() {
        if (holdsUntil != 0 && !holdsLease()) {
            UUID old = id;
            id = UUID.randomUUID();
            LOG.warnf("replica %s: the lease lapsed, so its claims may be others' now; continuing as %s", old, id);
        }
        UUID renewing = id;
        long sent = System.nanoTime();
        // renews, and forgets replicas dead for an hour (the table stays as small as the cluster)
        return pool.preparedQuery("""
                        WITH gone AS (DELETE FROM replicas WHERE lease_until < now() - interval '1 hour')
                        INSERT INTO replicas (id, host, lease_until) VALUES ($1, $2, now() + make_interval(secs => $3))
                        ON CONFLICT (id) DO UPDATE SET lease_until = EXCLUDED.lease_until""")
                .execute(Tuple.of(renewing, host, seconds(config.lease().toMillis())))
                .invoke(() -> {
                    if (renewing.equals(id)) {
                        // the lease runs from the database's now(), which is no earlier than this statement's sending;
                        // a tenth of it is the margin for clocks and the time the claim statements take
                        holdsUntil = sent + config.lease().toNanos() * 9 / 10;
                    }
                })
                .replaceWithVoid();
    }

    /** Leaves the cluster: no more renewals, and the row goes, so that its claims are void at once. */
    public Uni<Void> leave() {
        leaving = true;
        holdsUntil = 0;
        return pool.preparedQuery("DELETE FROM replicas WHERE id = $1").execute(Tuple.of(id)).replaceWithVoid();
    }

    /** The replicas whose lease holds, as a list for operators. */
    public Uni<List<Live>> live() {
        return pool.preparedQuery("""
                        SELECT id, host, started_at, lease_until FROM replicas WHERE lease_until > now() ORDER BY started_at""")
                .execute()
                .map(rows -> {
                    List<Live> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new Live(r.getUUID("id"), r.getString("host"), r.getOffsetDateTime("started_at"),
                            r.getOffsetDateTime("lease_until"), r.getUUID("id").equals(id))));
                    return out;
                });
    }

    public record Live(UUID id, String host, OffsetDateTime startedAt, OffsetDateTime leaseUntil,
                       boolean self) {
    }

    private static double seconds(long millis) {
        return millis / 1000.0;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName() + "/" + ProcessHandle.current().pid();
        } catch (Exception e) {
            return "pid " + ProcessHandle.current().pid();
        }
    }
}
