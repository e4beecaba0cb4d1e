package io.batchwire.upstream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwire.cluster.Replica;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Makes every upstream's {@code concurrency} and {@code rate-per-second} hold for the whole deployment. Each replica
 * with work for an upstream leases a slice of its limit from Postgres ({@code upstream_slices}) and renews it every
 * {@code renew-interval}, saying what it wants per tenant; the slices are shared by {@link Shares} (by tenant weight,
 * none above what it wants, so a replica without work holds nothing and one alone gets everything). The renewal
 * locks the upstream's row, so renewals of one upstream happen one at a time, and a replica takes at most what the
 * others do not hold: every other live slice counts at the larger of its grant and what it reported in flight. So
 * the slices never add up to more than the limit. A slice is void once its lease ({@code lease}) runs out, and a
 * replica that cannot renew stops starting calls a little before that. The hot path pays no database round trip:
 * a call only ever waits on the local limiter.
 *
 * <p>The upstream's row also carries the pause an upstream asked for (a 429's {@code Retry-After}): a replica that
 * sees one writes it at once, the others apply it on their next renewal.
 */
@ApplicationScoped
public class ClusterLimits {

    private static final Logger LOG = Logger.getLogger(ClusterLimits.class);
    private static final TypeReference<List<Shares.Want>> WANTS = new TypeReference<>() {
    };
    /** How often an upstream that has waiters and no slice (or a pause to tell) is looked at between renewals. */
    private static final long FAST_CHECK_MS = 100;

    private static final String ENSURE = """
            WITH gone AS (DELETE FROM upstream_slices WHERE upstream = $1 AND lease_until < now() - interval '1 minute')
            INSERT INTO upstream_limits (upstream) VALUES ($1) ON CONFLICT (upstream) DO NOTHING""";
    /** Locks the upstream's row (renewals of one upstream go one at a time), merging in this replica's pause. */
    private static final String LOCK = """
            UPDATE upstream_limits SET paused_until = greatest(paused_until, $2), last_429_at = greatest(last_429_at, $3)
            WHERE upstream = $1 RETURNING paused_until""";
    private static final String OTHERS = """
            SELECT replica_id, wants::text AS wants, granted, in_flight FROM upstream_slices
            WHERE upstream = $1 AND replica_id <> $2 AND lease_until > now()""";
    private static final String UPSERT = """
            INSERT INTO upstream_slices (upstream, replica_id, wants, granted, in_flight, adaptive_limit, lease_until)
            VALUES ($1, $2, $3::text::jsonb, $4, $5, $6, now() + make_interval(secs => $7))
            ON CONFLICT (upstream, replica_id) DO UPDATE SET wants = EXCLUDED.wants, granted = EXCLUDED.granted,
                in_flight = EXCLUDED.in_flight, adaptive_limit = EXCLUDED.adaptive_limit, lease_until = EXCLUDED.lease_until""";

    private final Pool pool;
    private final Replica replica;
    private final UpstreamRegistry upstreams;
    private final LimitsConfig config;
    private final Vertx vertx;
    private final ObjectMapper json;
    /** Per upstream: a renewal in flight, when the last one started, and the pause last written. */
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private volatile long timer;

    private static final class State {
        volatile boolean renewing;
        volatile long lastRenewal;
        volatile Instant toldPause;
    }

    public ClusterLimits(Pool pool, Replica replica, UpstreamRegistry upstreams, LimitsConfig config, Vertx vertx,
                         ObjectMapper json) {
        this.pool = pool;
        this.replica = replica;
        this.upstreams = upstreams;
        this.config = config;
        this.vertx = vertx;
        this.json = json;
    }

    void start(@Observes StartupEvent ignored) {
        timer = vertx.setPeriodic(FAST_CHECK_MS, id -> tick());
    }

    /**
     * After the dispatcher has handed its work back (its calls have ended), this replica's slices go, so the others
     * may use the capacity at once rather than when the leases run out. Renewals went on until then: a replica whose
     * calls are still in flight must keep saying so.
     */
    void leave(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) ShutdownEvent ignored) {
        vertx.cancelTimer(timer);
        try {
            pool.preparedQuery("DELETE FROM upstream_slices WHERE replica_id = $1").execute(Tuple.of(replica.id()))
                    .subscribeAsCompletionStage().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("could not give the upstream slices back (%s); their leases run out by themselves", e.getMessage());
        }
    }

    /** Renews every upstream that is due: on the interval while it has work or a slice, and at once when it waits. */
    private void tick() {
        long now = System.nanoTime();
        for (UpstreamLimits u : upstreams.limits()) {
            State s = states.computeIfAbsent(u.type(), k -> new State());
            if (s.renewing) {
                continue;
            }
            boolean due = now - s.lastRenewal >= config.renewInterval().toNanos();
            boolean starving = u.concurrency().waiting() > 0 && u.concurrency().limit() == 0;
            boolean busy = u.wanted() > 0 || u.slice() > 0;
            boolean untoldPause = u.pausedUntilInstant() != null && !Objects.equals(u.pausedUntilInstant(), s.toldPause);
            // a replica whose work ended still holds its slice: its next renewal gives it back
            if ((busy && due) || starving || untoldPause) {
                renew(u, s);
            }
        }
    }

    private void renew(UpstreamLimits u, State s) {
        s.renewing = true;
        s.lastRenewal = System.nanoTime();
        UUID me = replica.id();
        List<Shares.Want> mine = wants(u);
        Instant pause = u.pausedUntilInstant();
        Instant last429 = u.last429();
        int limit = u.concurrency().max();
        int inFlight = u.concurrency().inUse();
        long sent = System.nanoTime();
        pool.withTransaction(conn -> {
                    Uni<RowSet<Row>> ensure = conn.preparedQuery(ENSURE).execute(Tuple.of(u.type()));
                    Uni<RowSet<Row>> lock = conn.preparedQuery(LOCK).execute(Tuple.of(u.type(), utc(pause), utc(last429)));
                    Uni<RowSet<Row>> others = conn.preparedQuery(OTHERS).execute(Tuple.of(u.type(), me));
                    return Uni.combine().all().unis(ensure, lock, others).asTuple().chain(t -> {
                        OffsetDateTime clusterPause = t.getItem2().iterator().next().getOffsetDateTime("paused_until");
                        Map<UUID, List<Shares.Want>> byReplica = new HashMap<>();
                        byReplica.put(me, mine);
                        int othersHold = 0;
                        for (Row r : t.getItem3()) {
                            byReplica.put(r.getUUID("replica_id"), read(r.getString("wants")));
                            othersHold += Math.max(r.getInteger("granted"), r.getInteger("in_flight"));
                        }
                        int target = Shares.of(limit, byReplica).getOrDefault(me, 0);
                        int grant = Math.max(0, Math.min(target, limit - othersHold));
                        return conn.preparedQuery(UPSERT)
                                .execute(Tuple.of(u.type(), me, write(mine), grant, inFlight, u.adaptiveLimit())
                                        .addDouble(config.lease().toMillis() / 1000.0))
                                .replaceWith(new Renewed(grant, clusterPause));
                    });
                })
                .subscribe().with(r -> {
                    double clusterRate = u.clusterRate();
                    double rate = clusterRate > 0 && limit > 0 ? clusterRate * r.grant / limit : 0;
                    u.grant(r.grant, rate, sent + config.lease().toNanos() * 9 / 10);
                    if (r.pausedUntil != null) {
                        u.pausedUntil(r.pausedUntil.toInstant());
                    }
                    s.toldPause = pause;
                    s.renewing = false;
                }, failure -> {
                    LOG.warnf("upstream %s: slice not renewed: %s", u.type(), failure.getMessage());
                    s.renewing = false;
                });
    }

    private record Renewed(int grant, OffsetDateTime pausedUntil) {
    }

    /** This replica's wants, per tenant: waiting and running calls, within the adaptive cap (room to double). */
    private static List<Shares.Want> wants(UpstreamLimits u) {
        List<ConcurrencyLimiter.Demand> demand = u.demand();
        int total = demand.stream().mapToInt(d -> d.waiting() + d.running()).sum();
        int wanted = u.wanted();
        List<Shares.Want> out = new ArrayList<>(demand.size());
        for (ConcurrencyLimiter.Demand d : demand) {
            int n = d.waiting() + d.running();
            int scaled = total <= wanted ? n : (int) Math.ceil((double) n * wanted / total);
            out.add(new Shares.Want(d.tenant(), d.weight(), scaled));
        }
        return out;
    }

    private String write(List<Shares.Want> wants) {
        try {
            return json.writeValueAsString(wants);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Shares.Want> read(String text) {
        try {
            return json.readValue(text, WANTS);
        } catch (Exception e) {
            // only a replica of another version writes what this one cannot read; its share is then left to the others
            LOG.warnf("a peer's wants are unreadable (%s); counting them as none", e.getMessage());
            return List.of();
        }
    }

    private static OffsetDateTime utc(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    /** The live slices of an upstream, for operators. */
    public Uni<List<Slice>> slices(String upstream) {
        return pool.preparedQuery("""
                        SELECT s.replica_id, s.granted, s.in_flight, s.adaptive_limit, s.wants::text AS wants, s.lease_until,
                               l.paused_until, l.last_429_at
                        FROM upstream_limits l LEFT JOIN upstream_slices s ON s.upstream = l.upstream AND s.lease_until > now()
                        WHERE l.upstream = $1 ORDER BY s.replica_id""")
                .execute(Tuple.of(upstream))
                .map(rows -> {
                    List<Slice> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Slice(r.getUUID("replica_id"), r.getInteger("granted"), r.getInteger("in_flight"),
                                r.getInteger("adaptive_limit"), r.getString("wants") == null ? 0
                                : read(r.getString("wants")).stream().mapToInt(Shares.Want::wanted).sum(),
                                r.getOffsetDateTime("paused_until"), r.getOffsetDateTime("last_429_at")));
                    }
                    return out;
                });
    }

    /** One replica's slice of an upstream (replica null: none holds one), with the upstream's pause and last 429. */
    public record Slice(UUID replica, Integer granted, Integer inFlight, Integer adaptiveLimit, int wanted,
                        OffsetDateTime pausedUntil, OffsetDateTime last429) {
    }
}
